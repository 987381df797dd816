import SwiftASN1
import X509

extension DER.Serializer {
    /// Appends a primitive node with a context-specific tag, as `[n] IMPLICIT` of a primitive type.
    mutating func appendContextPrimitive(tag: UInt, bytes: some Collection<UInt8>) {
        appendPrimitiveNode(identifier: ASN1Identifier(tagWithNumber: tag, tagClass: .contextSpecific)) { $0.append(contentsOf: bytes) }
    }

    /// Appends `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` (RFC 5280 §4.1).
    mutating func serializeExtensions(_ extensions: [Certificate.Extension]) throws {
        try appendConstructedNode(identifier: .sequence) { coder in
            for ext in extensions { try coder.serialize(ext) }
        }
    }

    /// Appends an ENUMERATED with a small value.
    mutating func serializeEnumerated(_ value: UInt8) {
        appendPrimitiveNode(identifier: .enumerated) { $0.append(value) }
    }
}

/// Small DER encodings used across the trust services.
public enum DEREncoding {
    /// The DER bytes of one value.
    public static func encode(_ value: some DERSerializable) throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.serialize(value)
        return coder.serializedBytes
    }

    /// The DER bytes written by `body`.
    public static func encode(_ body: (inout DER.Serializer) throws -> Void) rethrows -> [UInt8] {
        var coder = DER.Serializer()
        try body(&coder)
        return coder.serializedBytes
    }

    /// The positive INTEGER content octets for unsigned big-endian bytes (a leading zero when the top bit is set).
    public static func positiveIntegerBytes(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var trimmed = Array(bytes.drop(while: { $0 == 0 }))
        if trimmed.isEmpty { return [0] }
        if trimmed[0] & 0x80 != 0 { trimmed.insert(0, at: 0) }
        return trimmed
    }

    /// A GeneralName `uniformResourceIdentifier [6] IA5String` (RFC 5280 §4.2.1.6).
    public static func uriGeneralName(_ uri: String, into coder: inout DER.Serializer) {
        coder.appendContextPrimitive(tag: 6, bytes: Array(uri.utf8))
    }
}
