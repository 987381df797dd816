import SwiftASN1

/// RFC 5652 §5.2:
///
/// ```
/// EncapsulatedContentInfo ::= SEQUENCE {
///     eContentType ContentType,
///     eContent [0] EXPLICIT OCTET STRING OPTIONAL }
/// ```
///
/// `eContent` is absent for a detached signature.
public struct CMSEncapsulatedContentInfo: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `eContentType`.
    public var contentType: ASN1ObjectIdentifier
    /// `eContent`, nil when detached.
    public var content: [UInt8]?

    /// Encapsulated content info; pass nil `content` for a detached signature.
    public init(contentType: ASN1ObjectIdentifier, content: [UInt8]?) {
        self.contentType = contentType
        self.content = content
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let contentType = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let content = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                Array(try ASN1OctetString(derEncoded: node).bytes)
            }
            return CMSEncapsulatedContentInfo(contentType: contentType, content: content)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(contentType)
            if let content {
                try coder.serialize(
                    ASN1OctetString(contentBytes: content[...]),
                    explicitlyTaggedWithTagNumber: 0,
                    tagClass: .contextSpecific
                )
            }
        }
    }
}
