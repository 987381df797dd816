import SwiftASN1

/// RFC 3161 §2.4.2:
///
/// ```
/// TimeStampResp ::= SEQUENCE {
///     status PKIStatusInfo,
///     timeStampToken TimeStampToken OPTIONAL }
/// TimeStampToken ::= ContentInfo
/// ```
public struct TimeStampResponse: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `status`.
    public var status: PKIStatusInfo
    /// `timeStampToken`, present when the status is granted or grantedWithMods.
    public var token: CMSContentInfo?

    /// A response with the given status and token.
    public init(status: PKIStatusInfo, token: CMSContentInfo? = nil) {
        self.status = status
        self.token = token
    }

    /// Decodes DER; errors are `PKIError(.malformed)`.
    public init(derEncoded bytes: [UInt8]) throws {
        self = try PKIError.mappingMalformed("TimeStampResp") { try TimeStampResponse(derEncoded: try DER.parse(bytes)) }
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let status = try PKIStatusInfo(derEncoded: &nodes)
            let token: CMSContentInfo? = try DER.optionalImplicitlyTagged(&nodes)
            return TimeStampResponse(status: status, token: token)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(status)
            if let token { try coder.serialize(token) }
        }
    }

    /// The DER encoding.
    public func derBytes() throws -> [UInt8] { try cmsDERBytes() }
}
