import Foundation
import SwiftASN1
import X509

/// One SignerInfo (RFC 5652 §5.3) whose signature, content-type and message-digest attributes verified.
public struct CMSVerifiedSigner: Sendable, Hashable {
    /// The certificate whose key verified the signature (RFC 5652 §5.6 — not chain-validated).
    public var certificate: Certificate
    /// The SignerInfo as decoded.
    public var signerInfo: CMSSignerInfo
    /// The message-digest hash (RFC 5652 §5.4).
    public var digestAlgorithm: DigestAlgorithm
    /// The signature algorithm used to verify.
    public var signatureAlgorithm: Certificate.SignatureAlgorithm
    /// The signing-time attribute (RFC 5652 §11.3), if present.
    public var signingTime: Date?
    /// Whether a signing-certificate-v2 attribute (RFC 5035 §3) was present and matched.
    public var hasSigningCertificateV2: Bool
    /// Whether a version-1 signing-certificate attribute (RFC 2634 §5.4) was present and matched.
    public var hasSigningCertificate: Bool

    /// Signed attributes (RFC 5652 §5.3); empty when the SignerInfo has none.
    public var signedAttributes: [CMSAttribute] { signerInfo.signedAttributes ?? [] }
    /// Unsigned attributes (RFC 5652 §5.3), e.g. `id-aa-timeStampToken`.
    public var unsignedAttributes: [CMSAttribute] { signerInfo.unsignedAttributes ?? [] }
    /// The signature value, the input of a signature timestamp (RFC 3161 Appendix A).
    public var signature: [UInt8] { signerInfo.signature }
}

/// The outcome of `CMSSignedDataVerifier.verify`: every SignerInfo verified (RFC 5652 §5.6).
public struct CMSVerificationResult: Sendable, Hashable {
    /// `eContentType` (RFC 5652 §5.2).
    public var contentType: ASN1ObjectIdentifier
    /// `eContent` when encapsulated, nil when detached.
    public var content: [UInt8]?
    /// The certificates embedded in the SignedData (RFC 5652 §5.1).
    public var certificates: [Certificate]
    /// The verified signers, in SignerInfo order; never empty.
    public var signers: [CMSVerifiedSigner]
    /// The decoded SignedData.
    public var signedData: CMSSignedData

    /// The first signer's certificate.
    public var signerCertificate: Certificate { signers[0].certificate }
    /// The first signer's signing time.
    public var signingTime: Date? { signers[0].signingTime }
    /// The first signer's digest algorithm.
    public var digestAlgorithm: DigestAlgorithm { signers[0].digestAlgorithm }
    /// The first signer's signed attributes.
    public var signedAttributes: [CMSAttribute] { signers[0].signedAttributes }
    /// The first signer's unsigned attributes.
    public var unsignedAttributes: [CMSAttribute] { signers[0].unsignedAttributes }
    /// Whether the first signer carried signing-certificate-v2.
    public var hasSigningCertificateV2: Bool { signers[0].hasSigningCertificateV2 }
}
