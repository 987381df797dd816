import Foundation
import SwiftASN1
import X509

/// Builds a CMS SignedData (RFC 5652 §5) with one signer and signed attributes: content-type (§11.1),
/// message-digest (§11.2), optionally signing-time (§11.3) and signing-certificate-v2 (RFC 5035 §3).
///
/// Signing time is off by default because PAdES (ETSI EN 319 142-1 §5.4.3) forbids it in the CMS.
public struct CMSSignedDataBuilder: Sendable {
    /// The content to sign; ignored when `precomputedDigest` is set.
    public var content: [UInt8]
    /// A digest of detached content computed by the caller (PAdES: the hash of the ByteRange), with `digestAlgorithm`.
    public var precomputedDigest: [UInt8]?
    /// `eContentType` (RFC 5652 §5.2); `id-data` by default.
    public var contentType: ASN1ObjectIdentifier
    /// When true `eContent` is omitted (RFC 5652 §5.2 detached signature).
    public var detached: Bool
    /// The message-digest hash (RFC 5652 §5.4).
    public var digestAlgorithm: DigestAlgorithm
    /// The signer's certificate.
    public var signerCertificate: Certificate
    /// Further certificates to embed (chain); RFC 5652 §5.1 `certificates`.
    public var additionalCertificates: [Certificate]
    /// When false no certificates are embedded (RFC 3161 §2.4.1 `certReq` FALSE).
    public var includesCertificates: Bool
    /// Identify the signer by subject key identifier (SignerInfo v3) instead of issuer and serial number (v1).
    public var identifiesSignerByKeyIdentifier: Bool
    /// The signing-time attribute value (RFC 5652 §11.3); nil omits the attribute.
    public var signingTime: Date?
    /// Adds signing-certificate-v2 with an ESSCertIDv2 of the signer certificate (RFC 5035 §3).
    public var includesSigningCertificateV2: Bool
    /// Extra signed attributes, e.g. CAdES `signature-policy-identifier`.
    public var additionalSignedAttributes: [CMSAttribute]
    /// Unsigned attributes to put in the SignerInfo (RFC 5652 §5.3).
    public var unsignedAttributes: [CMSAttribute]

    /// A builder for one signer; every option can be changed through its property afterwards.
    public init(
        content: [UInt8],
        signerCertificate: Certificate,
        contentType: ASN1ObjectIdentifier = .CMS.data,
        detached: Bool = false,
        digestAlgorithm: DigestAlgorithm = .sha256,
        additionalCertificates: [Certificate] = [],
        signingTime: Date? = nil
    ) {
        self.content = content
        self.precomputedDigest = nil
        self.contentType = contentType
        self.detached = detached
        self.digestAlgorithm = digestAlgorithm
        self.signerCertificate = signerCertificate
        self.additionalCertificates = additionalCertificates
        self.includesCertificates = true
        self.identifiesSignerByKeyIdentifier = false
        self.signingTime = signingTime
        self.includesSigningCertificateV2 = true
        self.additionalSignedAttributes = []
        self.unsignedAttributes = []
    }

    /// The signed attributes for `digest`, unsorted (they are sorted when encoded).
    public func signedAttributes(messageDigest digest: [UInt8]) throws -> [CMSAttribute] {
        var attributes = [
            try CMSAttribute(type: .CMS.contentTypeAttribute, value: contentType),
            try CMSAttribute(type: .CMS.messageDigestAttribute, value: ASN1OctetString(contentBytes: digest[...])),
        ]
        if let signingTime {
            attributes.append(CMSAttribute(type: .CMS.signingTimeAttribute, values: [try CMSTime.signingTime(signingTime)]))
        }
        if includesSigningCertificateV2 {
            let value = ESSSigningCertificateV2(certificates: [try ESSCertIDv2(certificate: signerCertificate)])
            attributes.append(try CMSAttribute(type: .CMS.signingCertificateV2Attribute, value: value))
        }
        attributes.append(contentsOf: additionalSignedAttributes)
        return attributes
    }

    /// Signs and returns the SignedData value.
    public func signedData(signer: some SignatureProducer) async throws -> CMSSignedData {
        guard signer.publicKey == signerCertificate.publicKey else {
            throw PKIError(.profileViolation, "the signer's key is not the signer certificate's key")
        }
        let digest: [UInt8]
        if let precomputedDigest {
            guard detached else { throw PKIError(.profileViolation, "a precomputed digest needs a detached signature") }
            guard precomputedDigest.count == digestAlgorithm.outputLength else {
                throw PKIError(.digestMismatch, "precomputed digest has \(precomputedDigest.count) bytes")
            }
            digest = precomputedDigest
        } else {
            digest = digestAlgorithm.hash(content)
        }
        let attributes = try signedAttributes(messageDigest: digest)
        let signature = try await signer.signature(for: try CMSSignerInfo.signatureInput(for: attributes))
        let signerInfo = try CMSSignerInfo(
            signerIdentifier: try CMSSignerIdentifier(
                certificate: signerCertificate,
                useSubjectKeyIdentifier: identifiesSignerByKeyIdentifier
            ),
            digestAlgorithm: digestAlgorithm.algorithmIdentifier,
            signedAttributes: attributes,
            signatureAlgorithm: try signer.signatureAlgorithm.algorithmIdentifier,
            signature: signature,
            unsignedAttributes: unsignedAttributes.isEmpty ? nil : unsignedAttributes
        )
        return CMSSignedData(
            digestAlgorithms: [digestAlgorithm.algorithmIdentifier],
            encapsulatedContentInfo: CMSEncapsulatedContentInfo(contentType: contentType, content: detached ? nil : content),
            certificates: includesCertificates
                ? [signerCertificate] + additionalCertificates.filter { $0 != signerCertificate } : [],
            signerInfos: [signerInfo]
        )
    }

    /// Signs and returns the DER of a ContentInfo wrapping the SignedData (RFC 5652 §3).
    public func sign(signer: some SignatureProducer) async throws -> [UInt8] {
        try await signedData(signer: signer).contentInfoDER()
    }
}
