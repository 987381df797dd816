import SwiftASN1

/// RFC 3161 §2.4.2:
///
/// ```
/// Accuracy ::= SEQUENCE {
///     seconds INTEGER OPTIONAL,
///     millis [0] INTEGER (1..999) OPTIONAL,
///     micros [1] INTEGER (1..999) OPTIONAL }
/// ```
public struct TSTAccuracy: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `seconds`.
    public var seconds: Int?
    /// `millis`, 1…999.
    public var milliseconds: Int?
    /// `micros`, 1…999.
    public var microseconds: Int?

    /// An accuracy; throws `.malformed` when millis or micros are outside 1…999.
    public init(seconds: Int? = nil, milliseconds: Int? = nil, microseconds: Int? = nil) throws {
        for value in [milliseconds, microseconds] {
            if let value, !(1...999).contains(value) {
                throw PKIError(.malformed, "accuracy millis/micros must be 1…999, got \(value)")
            }
        }
        if let seconds, seconds < 0 { throw PKIError(.malformed, "accuracy seconds must not be negative") }
        self.seconds = seconds
        self.milliseconds = milliseconds
        self.microseconds = microseconds
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let seconds: Int? = try DER.optionalImplicitlyTagged(&nodes)
            let millis: Int? = try DER.optionalImplicitlyTagged(&nodes, tag: .cmsContext(0))
            let micros: Int? = try DER.optionalImplicitlyTagged(&nodes, tag: .cmsContext(1))
            return try TSTAccuracy(seconds: seconds, milliseconds: millis, microseconds: micros)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            if let seconds { try coder.serialize(seconds) }
            if let milliseconds { try milliseconds.serialize(into: &coder, withIdentifier: .cmsContext(0)) }
            if let microseconds { try microseconds.serialize(into: &coder, withIdentifier: .cmsContext(1)) }
        }
    }
}
