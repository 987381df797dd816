import SwiftASN1

/// RFC 5652 §3:
///
/// ```
/// ContentInfo ::= SEQUENCE {
///     contentType ContentType,
///     content [0] EXPLICIT ANY DEFINED BY contentType }
/// ```
public struct CMSContentInfo: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `contentType`, e.g. `id-signedData`.
    public var contentType: ASN1ObjectIdentifier
    /// `content`, without its `[0]` wrapper.
    public var content: ASN1Any

    /// A content info wrapping `content`.
    public init(contentType: ASN1ObjectIdentifier, content: ASN1Any) {
        self.contentType = contentType
        self.content = content
    }

    /// Wraps a SignedData (RFC 5652 §5.1) with content type `id-signedData`.
    public init(signedData: CMSSignedData) throws {
        self.init(contentType: .CMS.signedData, content: try ASN1Any(erasing: signedData))
    }

    /// Decodes DER bytes; errors are `PKIError(.malformed)`.
    public init(derEncoded bytes: [UInt8]) throws {
        self = try PKIError.mappingMalformed("ContentInfo") { try CMSContentInfo(derEncoded: try DER.parse(bytes)) }
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let contentType = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let content = try DER.explicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                ASN1Any(derEncoded: node)
            }
            return CMSContentInfo(contentType: contentType, content: content)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(contentType)
            try coder.serialize(content, explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific)
        }
    }

    /// The content decoded as SignedData; throws `.malformed` when the content type is not `id-signedData`.
    public func signedData() throws -> CMSSignedData {
        guard contentType == .CMS.signedData else {
            throw PKIError(.malformed, "content type \(contentType) is not id-signedData")
        }
        return try PKIError.mappingMalformed("SignedData") { try CMSSignedData(asn1Any: content) }
    }

    /// The DER encoding.
    public func derBytes() throws -> [UInt8] { try cmsDERBytes() }
}
