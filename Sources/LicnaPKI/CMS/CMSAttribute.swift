import SwiftASN1

/// RFC 5652 §5.3:
///
/// ```
/// Attribute ::= SEQUENCE {
///     attrType OBJECT IDENTIFIER,
///     attrValues SET OF AttributeValue }
/// ```
///
/// Values are kept as `ASN1Any` so that unknown attributes survive a decode/encode round trip.
public struct CMSAttribute: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `attrType`.
    public var type: ASN1ObjectIdentifier
    /// `attrValues`, in the order they were decoded (they are DER-sorted when encoded).
    public var values: [ASN1Any]

    /// An attribute with the given type and values.
    public init(type: ASN1ObjectIdentifier, values: [ASN1Any]) {
        self.type = type
        self.values = values
    }

    /// An attribute with a single value.
    public init<Value: DERSerializable>(type: ASN1ObjectIdentifier, value: Value) throws {
        self.init(type: type, values: [try ASN1Any(erasing: value)])
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let type = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let values = try DER.set(of: ASN1Any.self, identifier: .set, nodes: &nodes)
            return CMSAttribute(type: type, values: values)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(type)
            try coder.serializeSetOf(values)
        }
    }

    /// The DER encoding of each value (e.g. for callers that store attributes as raw bytes).
    public var encodedValues: [[UInt8]] {
        get throws {
            var result: [[UInt8]] = []
            for value in values { result.append(try value.cmsDERBytes()) }
            return result
        }
    }

    /// The only value, decoded as `T`; throws `.malformed` unless there is exactly one value (RFC 5652 §11).
    public func singleValue<T: DERParseable>(as type: T.Type = T.self) throws -> T {
        guard values.count == 1 else {
            throw PKIError(.malformed, "attribute \(self.type) must have exactly one value, has \(values.count)")
        }
        return try PKIError.mappingMalformed("attribute \(self.type)") { try T(asn1Any: values[0]) }
    }
}

extension Array where Element == CMSAttribute {
    /// The attributes of the given type.
    public func attributes(ofType type: ASN1ObjectIdentifier) -> [CMSAttribute] {
        filter { $0.type == type }
    }

    /// The single attribute of the given type, nil when absent; throws `.malformed` when it occurs twice
    /// (RFC 5652 §11.1–11.3 forbid repeating content-type, message-digest and signing-time).
    public func uniqueAttribute(ofType type: ASN1ObjectIdentifier) throws -> CMSAttribute? {
        let found = attributes(ofType: type)
        guard found.count <= 1 else { throw PKIError(.malformed, "attribute \(type) occurs \(found.count) times") }
        return found.first
    }
}
