import SwiftASN1
import X509

/// RFC 5652 §5.1:
///
/// ```
/// SignedData ::= SEQUENCE {
///     version CMSVersion,
///     digestAlgorithms DigestAlgorithmIdentifiers,
///     encapContentInfo EncapsulatedContentInfo,
///     certificates [0] IMPLICIT CertificateSet OPTIONAL,
///     crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
///     signerInfos SignerInfos }
/// ```
///
/// Certificate choices other than X.509 certificates (RFC 5652 §10.2.2) and the `crls` field are kept raw and
/// written back unchanged.
public struct CMSSignedData: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }
    static let certificatesTag = ASN1Identifier.cmsContext(0)
    static let crlsTag = ASN1Identifier.cmsContext(1)

    /// `version` (RFC 5652 §5.1 rules: 1 or 3 for what Licna writes).
    public var version: Int
    /// `digestAlgorithms`.
    public var digestAlgorithms: [AlgorithmIdentifier]
    /// `encapContentInfo`.
    public var encapsulatedContentInfo: CMSEncapsulatedContentInfo
    /// The X.509 certificates of `certificates`.
    public var certificates: [Certificate]
    /// Other `CertificateChoices` (attribute certificates, other formats), raw.
    public var otherCertificateChoices: [ASN1Any]
    /// `crls`, raw including its `[1]` tag; nil when absent.
    public var revocationInfoChoices: ASN1Any?
    /// `signerInfos`, in encoded order.
    public var signerInfos: [CMSSignerInfo]

    /// A SignedData whose version is computed by the rules of RFC 5652 §5.1.
    public init(
        digestAlgorithms: [AlgorithmIdentifier],
        encapsulatedContentInfo: CMSEncapsulatedContentInfo,
        certificates: [Certificate],
        signerInfos: [CMSSignerInfo]
    ) {
        self.digestAlgorithms = digestAlgorithms
        self.encapsulatedContentInfo = encapsulatedContentInfo
        self.certificates = certificates
        self.otherCertificateChoices = []
        self.revocationInfoChoices = nil
        self.signerInfos = signerInfos
        let needsV3 = encapsulatedContentInfo.contentType != .CMS.data || signerInfos.contains { $0.version == 3 }
        self.version = needsV3 ? 3 : 1
    }

    /// Decodes a DER ContentInfo wrapping a SignedData; errors are `PKIError(.malformed)`.
    public init(contentInfoDER bytes: [UInt8]) throws {
        self = try CMSContentInfo(derEncoded: bytes).signedData()
    }

    /// The DER of a ContentInfo (RFC 5652 §3) wrapping this SignedData.
    public func contentInfoDER() throws -> [UInt8] {
        try CMSContentInfo(signedData: self).derBytes()
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let version = try Int(derEncoded: &nodes)
            let digestAlgorithms = try DER.set(of: AlgorithmIdentifier.self, identifier: .set, nodes: &nodes)
            let encapsulated = try CMSEncapsulatedContentInfo(derEncoded: &nodes)
            var certificates: [Certificate] = []
            var others: [ASN1Any] = []
            if let choices = try DER.optionalImplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific, { node in
                try DER.set(of: ASN1Any.self, identifier: Self.certificatesTag, rootNode: node)
            }) {
                for choice in choices {
                    if let certificate = try? Certificate(asn1Any: choice) {
                        certificates.append(certificate)
                    } else {
                        others.append(choice)
                    }
                }
            }
            var crls: ASN1Any?
            var lookahead = nodes
            if let node = lookahead.next(), node.identifier == Self.crlsTag {
                nodes = lookahead
                crls = ASN1Any(derEncoded: node)
            }
            let signerInfos = try DER.set(of: CMSSignerInfo.self, identifier: .set, nodes: &nodes)
            var signedData = CMSSignedData(
                digestAlgorithms: digestAlgorithms,
                encapsulatedContentInfo: encapsulated,
                certificates: certificates,
                signerInfos: signerInfos
            )
            signedData.version = version
            signedData.otherCertificateChoices = others
            signedData.revocationInfoChoices = crls
            return signedData
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(version)
            try coder.serializeSetOf(digestAlgorithms)
            try coder.serialize(encapsulatedContentInfo)
            var choices: [ASN1Any] = []
            for certificate in certificates { choices.append(try ASN1Any(erasing: certificate)) }
            choices.append(contentsOf: otherCertificateChoices)
            if !choices.isEmpty { try coder.serializeSetOf(choices, identifier: Self.certificatesTag) }
            if let revocationInfoChoices { try coder.serialize(revocationInfoChoices) }
            // Kept in order so that signer indexes stay stable across a decode/encode round trip.
            try coder.appendConstructedNode(identifier: .set) { coder in
                for signerInfo in signerInfos { try coder.serialize(signerInfo) }
            }
        }
    }
}
