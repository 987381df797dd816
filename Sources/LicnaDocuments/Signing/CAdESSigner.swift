import Foundation
import LicnaPKI
import X509

/// Detached CAdES signatures (`.p7s`) of any file, ETSI EN 319 122-1 baseline B-B and B-T: a CMS SignedData
/// without the content, with content-type, message-digest, signing-time and signing-certificate-v2 signed
/// (§5.2.1, §5.2.2) and, for B-T, the signature timestamp as an unsigned attribute (§5.3).
public struct CAdESSigner: Sendable {
    public var certificate: Certificate
    /// Certificates up to (not including) the trust anchor, embedded so validators can build the chain.
    public var chain: [Certificate]
    public var digestAlgorithm: DigestAlgorithm

    public init(certificate: Certificate, chain: [Certificate] = [], digestAlgorithm: DigestAlgorithm = .sha256) {
        self.certificate = certificate
        self.chain = chain
        self.digestAlgorithm = digestAlgorithm
    }

    /// The DER ContentInfo of a detached signature of `content`; `signingTime` comes from the caller's clock
    /// (`WallClock.now`) and is signed as the signing-time attribute (EN 319 122-1 §5.2.1).
    public func sign(_ content: [UInt8], with producer: some SignatureProducer, level: SignatureLevel = .basic,
                     timestampAuthority: (any TimestampAuthority)? = nil, signingTime: Date) async throws -> [UInt8] {
        guard producer.publicKey == certificate.publicKey else {
            throw SigningError(.signerMismatch, "the signing key is not the key of the certificate \(certificate.subject)")
        }
        var builder = CMSSignedDataBuilder(content: content, signerCertificate: certificate, detached: true,
                                           digestAlgorithm: digestAlgorithm, additionalCertificates: chain, signingTime: signingTime)
        builder.includesSigningCertificateV2 = true
        let signed = try await builder.sign(signer: producer)
        switch level {
        case .basic:
            return signed
        case .timestamped, .longTerm:
            guard let timestampAuthority else {
                throw SigningError(.timestampUnavailable, "level \(level.rawValue) needs a timestamp authority (give --server or a TSA address)")
            }
            let token = try await timestampAuthority.signatureTimestamp(of: try CMSSignedData.signatureValue(inContentInfoDER: signed),
                                                                         digestAlgorithm: digestAlgorithm)
            return try CMSSignedData.addingUnsignedAttribute(try CMSSignedData.timeStampTokenAttribute(tokenDER: token.contentInfoDER),
                                                             toContentInfoDER: signed)
        }
    }
}
