import SwiftASN1

/// RFC 5652 §5.3:
///
/// ```
/// SignerInfo ::= SEQUENCE {
///     version CMSVersion,
///     sid SignerIdentifier,
///     digestAlgorithm DigestAlgorithmIdentifier,
///     signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
///     signatureAlgorithm SignatureAlgorithmIdentifier,
///     signature SignatureValue,
///     unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
/// ```
///
/// The signed attributes are kept exactly as received so that verification hashes the original encoding
/// (RFC 5652 §5.4) and re-encoding a decoded SignerInfo (e.g. after adding an unsigned attribute) never
/// changes what was signed.
public struct CMSSignerInfo: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }
    static let signedAttributesTag = ASN1Identifier.cmsContext(0)
    static let unsignedAttributesTag = ASN1Identifier.cmsContext(1)

    /// `version`: 1 with issuerAndSerialNumber, 3 with subjectKeyIdentifier.
    public var version: Int
    /// `sid`.
    public var signerIdentifier: CMSSignerIdentifier
    /// `digestAlgorithm`.
    public var digestAlgorithm: AlgorithmIdentifier
    /// `signedAttrs`, decoded; nil when absent.
    public private(set) var signedAttributes: [CMSAttribute]?
    /// `signedAttrs` as encoded, including the `[0]` tag; nil when absent.
    public private(set) var signedAttributesEncoding: [UInt8]?
    /// `signatureAlgorithm`.
    public var signatureAlgorithm: AlgorithmIdentifier
    /// `signature`.
    public var signature: [UInt8]
    /// `unsignedAttrs`; nil when absent.
    public var unsignedAttributes: [CMSAttribute]?

    /// A SignerInfo; the signed attributes are DER-encoded as a SET OF (sorted) and the version follows `signerIdentifier`.
    public init(
        signerIdentifier: CMSSignerIdentifier,
        digestAlgorithm: AlgorithmIdentifier,
        signedAttributes: [CMSAttribute]?,
        signatureAlgorithm: AlgorithmIdentifier,
        signature: [UInt8],
        unsignedAttributes: [CMSAttribute]? = nil
    ) throws {
        self.version = signerIdentifier.signerInfoVersion
        self.signerIdentifier = signerIdentifier
        self.digestAlgorithm = digestAlgorithm
        self.signedAttributes = signedAttributes
        if let signedAttributes {
            var encoding = try Self.signatureInput(for: signedAttributes)
            encoding[0] = 0xA0
            self.signedAttributesEncoding = encoding
        }
        self.signatureAlgorithm = signatureAlgorithm
        self.signature = signature
        self.unsignedAttributes = unsignedAttributes
    }

    /// RFC 5652 §5.4: the bytes a signer signs — the DER of the attributes as a SET OF with the universal SET tag.
    public static func signatureInput(for signedAttributes: [CMSAttribute]) throws -> [UInt8] {
        guard !signedAttributes.isEmpty else { throw PKIError(.malformed, "signedAttrs must not be empty") }
        var serializer = DER.Serializer()
        try serializer.serializeSetOf(signedAttributes, identifier: .set)
        return serializer.serializedBytes
    }

    /// RFC 5652 §5.4: the received `signedAttrs` with the `[0]` tag replaced by the universal SET tag; nil when absent.
    public var signedAttributesSignatureInput: [UInt8]? {
        guard var encoding = signedAttributesEncoding, !encoding.isEmpty else { return nil }
        encoding[0] = 0x31
        return encoding
    }

    /// A copy with `attribute` appended to the unsigned attributes (RFC 5652 §5.3; e.g. RFC 3161 Appendix A
    /// `id-aa-timeStampToken`). The signed attributes and the signature stay byte-for-byte unchanged.
    public func addingUnsignedAttribute(_ attribute: CMSAttribute) -> CMSSignerInfo {
        var copy = self
        copy.unsignedAttributes = (unsignedAttributes ?? []) + [attribute]
        return copy
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let version = try Int(derEncoded: &nodes)
            guard let sidNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "SignerInfo without sid") }
            let sid = try CMSSignerIdentifier(derEncoded: sidNode)
            let digestAlgorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            var signedAttributes: [CMSAttribute]?
            var signedEncoding: [UInt8]?
            var lookahead = nodes
            if let node = lookahead.next(), node.identifier == Self.signedAttributesTag {
                nodes = lookahead
                let attributes = try DER.set(of: CMSAttribute.self, identifier: Self.signedAttributesTag, rootNode: node)
                guard !attributes.isEmpty else { throw ASN1Error.invalidASN1Object(reason: "empty signedAttrs") }
                signedAttributes = attributes
                signedEncoding = Array(node.encodedBytes)
            }
            let signatureAlgorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            let signature = try ASN1OctetString(derEncoded: &nodes)
            let unsigned = try DER.optionalImplicitlyTagged(&nodes, tagNumber: 1, tagClass: .contextSpecific) { node in
                try DER.set(of: CMSAttribute.self, identifier: Self.unsignedAttributesTag, rootNode: node)
            }
            var info = try CMSSignerInfo(
                signerIdentifier: sid,
                digestAlgorithm: digestAlgorithm,
                signedAttributes: nil,
                signatureAlgorithm: signatureAlgorithm,
                signature: Array(signature.bytes),
                unsignedAttributes: unsigned
            )
            info.version = version
            info.signedAttributes = signedAttributes
            info.signedAttributesEncoding = signedEncoding
            return info
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(version)
            try coder.serialize(signerIdentifier)
            try coder.serialize(digestAlgorithm)
            if let signedAttributesEncoding { coder.serializeRawBytes(signedAttributesEncoding) }
            try coder.serialize(signatureAlgorithm)
            try coder.serialize(ASN1OctetString(contentBytes: signature[...]))
            if let unsignedAttributes {
                try coder.serializeSetOf(unsignedAttributes, identifier: Self.unsignedAttributesTag)
            }
        }
    }
}
