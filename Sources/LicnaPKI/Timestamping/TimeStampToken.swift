import Foundation
import SwiftASN1
import X509

/// A timestamp token (RFC 3161 §2.4.2 `TimeStampToken ::= ContentInfo`) and its verification.
public struct TimeStampToken: Sendable, Hashable {
    /// The DER of the ContentInfo.
    public let contentInfoDER: [UInt8]

    /// A token from the DER of its ContentInfo.
    public init(tokenDER: [UInt8]) {
        self.contentInfoDER = tokenDER
    }

    /// The token of a TimeStampResp; throws `.timeStampRejected` unless the status is granted or
    /// grantedWithMods with a token (RFC 3161 §2.4.2).
    public init(responseDER: [UInt8]) throws {
        let response = try TimeStampResponse(derEncoded: responseDER)
        guard [.granted, .grantedWithMods].contains(response.status.status), let token = response.token else {
            let failure = response.status.failureInfo.map { " (\($0))" } ?? ""
            throw PKIError(.timeStampRejected, "status \(response.status.status)\(failure)")
        }
        self.contentInfoDER = try token.derBytes()
    }

    /// Verifies the token against `data` (hashed with the imprint's algorithm) and, when given, the nonce.
    public func verify(data: [UInt8], nonce: [UInt8]? = nil, additionalCertificates: [Certificate] = []) throws
        -> VerifiedTimeStamp
    {
        try verify(imprint: { algorithm in algorithm.hash(data) }, nonce: nonce, additionalCertificates: additionalCertificates)
    }

    /// Verifies the token against a digest the caller computed with `algorithm` (e.g. of a signature value).
    public func verify(
        digest: [UInt8],
        algorithm: DigestAlgorithm,
        nonce: [UInt8]? = nil,
        additionalCertificates: [Certificate] = []
    ) throws -> VerifiedTimeStamp {
        try verify(
            imprint: { imprintAlgorithm in
                guard imprintAlgorithm == algorithm else {
                    throw PKIError(.digestMismatch, "token imprint uses \(imprintAlgorithm), digest is \(algorithm)")
                }
                return digest
            },
            nonce: nonce,
            additionalCertificates: additionalCertificates
        )
    }

    /// RFC 3161 §2.4.2 and RFC 5652 §5.6: the CMS signature, eContentType `id-ct-TSTInfo`, a signing
    /// certificate attribute, the TSA certificate's critical timeStamping usage (§2.3), the imprint and the nonce.
    /// The TSA certificate chain is not validated.
    func verify(
        imprint expected: (DigestAlgorithm) throws -> [UInt8],
        nonce: [UInt8]?,
        additionalCertificates: [Certificate]
    ) throws -> VerifiedTimeStamp {
        let verifier = CMSSignedDataVerifier(additionalCertificates: additionalCertificates)
        let cms = try verifier.verify(contentInfoDER)
        guard cms.contentType == .CMS.tstInfo, let eContent = cms.content else {
            throw PKIError(.malformed, "token content is not an encapsulated id-ct-TSTInfo")
        }
        guard cms.signers.count == 1 else { throw PKIError(.malformed, "a timestamp token has exactly one signer") }
        let signer = cms.signers[0]
        guard signer.hasSigningCertificateV2 || signer.hasSigningCertificate else {
            throw PKIError(.malformed, "token lacks the signing-certificate attribute (RFC 3161 §2.4.1, RFC 5816)")
        }
        let tsa = signer.certificate
        guard let eku = tsa.extensions[oid: .X509ExtensionID.extendedKeyUsage], eku.critical,
            let usages = try? ExtendedKeyUsage(eku), Array(usages) == [.timeStamping]
        else {
            throw PKIError(.profileViolation, "TSA certificate lacks a critical timeStamping extended key usage")
        }
        let info = try TSTInfo(derEncoded: eContent)
        guard info.version == 1 else { throw PKIError(.malformed, "TSTInfo version \(info.version)") }
        guard let algorithm = DigestAlgorithm(oid: info.messageImprint.hashAlgorithm.algorithm) else {
            throw PKIError(.unsupportedAlgorithm, "imprint hash \(info.messageImprint.hashAlgorithm.algorithm)")
        }
        guard try expected(algorithm) == info.messageImprint.hashedMessage else {
            throw PKIError(.digestMismatch, "the token's message imprint does not match the data")
        }
        // Compared as INTEGERs: a nonce drawn with a leading zero octet goes on the wire without it.
        if let nonce, info.nonce?.minimalTwosComplement != nonce.minimalTwosComplement {
            throw PKIError(.nonceMismatch, "the token does not echo the request nonce")
        }
        return VerifiedTimeStamp(tstInfo: info, tsaCertificate: tsa, cms: cms)
    }
}

/// A verified timestamp token (RFC 3161 §2.4.2).
public struct VerifiedTimeStamp: Sendable, Hashable {
    /// The decoded TSTInfo.
    public var tstInfo: TSTInfo
    /// The certificate that signed the token (not chain-validated).
    public var tsaCertificate: Certificate
    /// The CMS verification result of the token.
    public var cms: CMSVerificationResult

    /// `genTime`.
    public var genTime: Date { tstInfo.genDate }
    /// `serialNumber`, big-endian magnitude.
    public var serialNumber: [UInt8] { tstInfo.serialNumber }
    /// `policy`.
    public var policy: ASN1ObjectIdentifier { tstInfo.policy }
    /// `nonce`.
    public var nonce: [UInt8]? { tstInfo.nonce }
}
