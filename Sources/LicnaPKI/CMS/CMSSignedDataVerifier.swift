import Foundation
import SwiftASN1
import X509

/// Verifies the signatures of a CMS SignedData (RFC 5652 §5.6) — not the certificate chain, which is the
/// caller's business.
///
/// For each SignerInfo: finds the signer certificate by `sid`; checks the content-type attribute against
/// `eContentType` (§11.1), the message-digest attribute against the content (§11.2), the signature over the
/// signed attributes as received (§5.4), and signing-certificate(-v2) against the signer certificate
/// (RFC 5035 §5.4).
public struct CMSSignedDataVerifier: Sendable {
    /// Content for a detached signature (RFC 5652 §5.2).
    public enum DetachedContent: Sendable, Hashable {
        /// The content bytes.
        case bytes([UInt8])
        /// A digest of the content the caller computed (PAdES: the ByteRange), with its algorithm.
        case digest([UInt8], DigestAlgorithm)
        /// Digests of the content in several algorithms, computed in one pass over a file too large to hold in
        /// memory; the one the signer used is taken.
        case digests([DigestAlgorithm: [UInt8]])
    }

    /// Certificates to search for signers besides those embedded in the SignedData.
    public var additionalCertificates: [Certificate]

    /// A verifier that also looks for signer certificates in `additionalCertificates`.
    public init(additionalCertificates: [Certificate] = []) {
        self.additionalCertificates = additionalCertificates
    }

    /// Verifies a DER ContentInfo wrapping a SignedData. Pass `detachedContent` when `eContent` is absent.
    public func verify(_ contentInfoDER: [UInt8], detachedContent: DetachedContent? = nil) throws -> CMSVerificationResult {
        try verify(CMSSignedData(contentInfoDER: contentInfoDER), detachedContent: detachedContent)
    }

    /// Verifies a decoded SignedData.
    public func verify(_ signedData: CMSSignedData, detachedContent: DetachedContent? = nil) throws -> CMSVerificationResult {
        let encapsulated = signedData.encapsulatedContentInfo
        let content: DetachedContent
        switch (encapsulated.content, detachedContent) {
        case (let eContent?, nil): content = .bytes(eContent)
        case (nil, let detached?): content = detached
        case (nil, nil): throw PKIError(.malformed, "detached signature and no content supplied")
        case (_?, _?): throw PKIError(.malformed, "content is both encapsulated and supplied")
        }
        guard !signedData.signerInfos.isEmpty else { throw PKIError(.malformed, "SignedData without signerInfos") }
        let candidates = signedData.certificates + additionalCertificates
        var signers: [CMSVerifiedSigner] = []
        for signerInfo in signedData.signerInfos {
            signers.append(try verify(signerInfo, contentType: encapsulated.contentType, content: content, candidates: candidates))
        }
        return CMSVerificationResult(
            contentType: encapsulated.contentType,
            content: encapsulated.content,
            certificates: signedData.certificates,
            signers: signers,
            signedData: signedData
        )
    }

    func verify(
        _ signerInfo: CMSSignerInfo,
        contentType: ASN1ObjectIdentifier,
        content: DetachedContent,
        candidates: [Certificate]
    ) throws -> CMSVerifiedSigner {
        guard let digestAlgorithm = DigestAlgorithm(oid: signerInfo.digestAlgorithm.algorithm) else {
            throw PKIError(.unsupportedAlgorithm, "digest algorithm \(signerInfo.digestAlgorithm.algorithm)")
        }
        guard let certificate = candidates.first(where: { signerInfo.signerIdentifier.matches($0) }) else {
            throw PKIError(.signerNotFound, "no certificate matches the SignerInfo's sid")
        }
        guard
            let signatureAlgorithm = Certificate.SignatureAlgorithm(
                cmsSignatureAlgorithm: signerInfo.signatureAlgorithm,
                digestAlgorithm: digestAlgorithm
            )
        else {
            throw PKIError(.unsupportedAlgorithm, "signature algorithm \(signerInfo.signatureAlgorithm.algorithm)")
        }
        guard let attributes = signerInfo.signedAttributes, let signedInput = signerInfo.signedAttributesSignatureInput
        else {
            return try verifyWithoutAttributes(signerInfo, certificate, digestAlgorithm, signatureAlgorithm, contentType, content)
        }
        guard let contentTypeAttribute = try attributes.uniqueAttribute(ofType: .CMS.contentTypeAttribute) else {
            throw PKIError(.malformed, "signed attributes lack content-type (RFC 5652 §11.1)")
        }
        guard try contentTypeAttribute.singleValue(as: ASN1ObjectIdentifier.self) == contentType else {
            throw PKIError(.contentTypeMismatch, "content-type attribute differs from eContentType")
        }
        guard let digestAttribute = try attributes.uniqueAttribute(ofType: .CMS.messageDigestAttribute) else {
            throw PKIError(.malformed, "signed attributes lack message-digest (RFC 5652 §11.2)")
        }
        let claimed = Array(try digestAttribute.singleValue(as: ASN1OctetString.self).bytes)
        guard claimed == (try Self.digest(of: content, with: digestAlgorithm)) else {
            throw PKIError(.digestMismatch, "message-digest attribute does not match the content")
        }
        guard certificate.publicKey.isValidSignature(signerInfo.signature, for: signedInput, signatureAlgorithm: signatureAlgorithm)
        else {
            throw PKIError(.badSignature, "signature over the signed attributes does not verify")
        }
        var signingTime: Date?
        if let attribute = try attributes.uniqueAttribute(ofType: .CMS.signingTimeAttribute) {
            guard attribute.values.count == 1 else { throw PKIError(.malformed, "signing-time must have one value") }
            signingTime = try PKIError.mappingMalformed("signing-time") { try CMSTime.date(signingTime: attribute.values[0]) }
        }
        let (hasV2, hasV1) = try Self.checkSigningCertificate(attributes, certificate)
        return CMSVerifiedSigner(
            certificate: certificate, signerInfo: signerInfo, digestAlgorithm: digestAlgorithm,
            signatureAlgorithm: signatureAlgorithm, signingTime: signingTime,
            hasSigningCertificateV2: hasV2, hasSigningCertificate: hasV1
        )
    }

    /// RFC 5652 §5.4: without signed attributes the signature covers the content itself, which must be id-data.
    func verifyWithoutAttributes(
        _ signerInfo: CMSSignerInfo, _ certificate: Certificate, _ digestAlgorithm: DigestAlgorithm,
        _ signatureAlgorithm: Certificate.SignatureAlgorithm, _ contentType: ASN1ObjectIdentifier, _ content: DetachedContent
    ) throws -> CMSVerifiedSigner {
        guard contentType == .CMS.data else {
            throw PKIError(.malformed, "signed attributes are required when eContentType is not id-data")
        }
        guard case .bytes(let bytes) = content else {
            throw PKIError(.unsupportedAlgorithm, "a digest cannot verify a signature without signed attributes")
        }
        guard certificate.publicKey.isValidSignature(signerInfo.signature, for: bytes, signatureAlgorithm: signatureAlgorithm)
        else {
            throw PKIError(.badSignature, "signature over the content does not verify")
        }
        return CMSVerifiedSigner(
            certificate: certificate, signerInfo: signerInfo, digestAlgorithm: digestAlgorithm,
            signatureAlgorithm: signatureAlgorithm, signingTime: nil,
            hasSigningCertificateV2: false, hasSigningCertificate: false
        )
    }

    static func digest(of content: DetachedContent, with algorithm: DigestAlgorithm) throws -> [UInt8] {
        switch content {
        case .bytes(let bytes):
            return algorithm.hash(bytes)
        case .digest(let digest, let digestAlgorithm):
            guard digestAlgorithm == algorithm else {
                throw PKIError(.digestMismatch, "supplied digest is \(digestAlgorithm), signer used \(algorithm)")
            }
            return digest
        case .digests(let digests):
            guard let digest = digests[algorithm] else {
                throw PKIError(.digestMismatch, "no \(algorithm) digest of the content was supplied")
            }
            return digest
        }
    }

    /// RFC 5035 §5.4: the first ESSCertID(v2) must identify the signer certificate. Returns which versions were present.
    static func checkSigningCertificate(_ attributes: [CMSAttribute], _ certificate: Certificate) throws -> (Bool, Bool) {
        var hasV2 = false
        var hasV1 = false
        if let attribute = try attributes.uniqueAttribute(ofType: .CMS.signingCertificateV2Attribute) {
            let value = try attribute.singleValue(as: ESSSigningCertificateV2.self)
            guard let first = value.certificates.first, first.matches(certificate) else {
                throw PKIError(.signingCertificateMismatch, "signing-certificate-v2 does not identify the signer")
            }
            hasV2 = true
        }
        if let attribute = try attributes.uniqueAttribute(ofType: ESSSigningCertificate.attributeType) {
            let value = try attribute.singleValue(as: ESSSigningCertificate.self)
            guard let first = value.certificates.first, first.matches(certificate) else {
                throw PKIError(.signingCertificateMismatch, "signing-certificate does not identify the signer")
            }
            hasV1 = true
        }
        return (hasV2, hasV1)
    }
}
