import SwiftASN1
import X509

/// RFC 3161 §2.4.1:
///
/// ```
/// TimeStampReq ::= SEQUENCE {
///     version INTEGER { v1(1) },
///     messageImprint MessageImprint,
///     reqPolicy TSAPolicyId OPTIONAL,
///     nonce INTEGER OPTIONAL,
///     certReq BOOLEAN DEFAULT FALSE,
///     extensions [0] IMPLICIT Extensions OPTIONAL }
/// ```
public struct TimeStampRequest: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `version`; only 1 is valid.
    public var version: Int
    /// `messageImprint`.
    public var messageImprint: MessageImprint
    /// `reqPolicy`.
    public var requestedPolicy: ASN1ObjectIdentifier?
    /// `nonce` as two's-complement content octets (any size), echoed verbatim in the TSTInfo. Kept in the
    /// fewest octets, as DER encodes it, so that what the requester compares is what went on the wire.
    public var nonce: [UInt8]?
    /// `certReq`: whether the TSA must include its certificate in the token.
    public var certificateRequested: Bool
    /// `extensions`.
    public var extensions: [Certificate.Extension]?

    /// A version-1 request.
    public init(
        messageImprint: MessageImprint,
        requestedPolicy: ASN1ObjectIdentifier? = nil,
        nonce: [UInt8]? = nil,
        certificateRequested: Bool = false,
        extensions: [Certificate.Extension]? = nil
    ) {
        self.version = 1
        self.messageImprint = messageImprint
        self.requestedPolicy = requestedPolicy
        self.nonce = nonce?.minimalTwosComplement
        self.certificateRequested = certificateRequested
        self.extensions = extensions
    }

    /// Decodes and validates a DER request strictly. Errors are `PKIError`s whose codes map to
    /// `PKIFailureInfo` (RFC 3161 §2.4.2): `.malformed` (badDataFormat) for anything that is not the DER
    /// structure, `.unsupportedAlgorithm` (badAlg), `.badRequest` for a wrong version or hash length.
    public init(derEncoded bytes: [UInt8]) throws {
        self = try PKIError.mappingMalformed("TimeStampReq") { try TimeStampRequest(derEncoded: try DER.parse(bytes)) }
        try validate()
    }

    /// RFC 3161 §2.4.1 checks beyond syntax: version 1, a known hash with a digest of the right length.
    public func validate() throws {
        guard version == 1 else { throw PKIError(.badRequest, "TimeStampReq version \(version)") }
        _ = try messageImprint.digestAlgorithm
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let version = try Int(derEncoded: &nodes)
            let imprint = try MessageImprint(derEncoded: &nodes)
            let policy: ASN1ObjectIdentifier? = try DER.optionalImplicitlyTagged(&nodes)
            let nonce: ASN1RawInteger? = try DER.optionalImplicitlyTagged(&nodes)
            let certReq = try DER.decodeDefault(&nodes, defaultValue: false)
            let extensions = try DER.optionalImplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                try DER.sequence(of: Certificate.Extension.self, identifier: .cmsContext(0), rootNode: node)
            }
            var request = TimeStampRequest(
                messageImprint: imprint,
                requestedPolicy: policy,
                nonce: nonce?.bytes,
                certificateRequested: certReq,
                extensions: extensions
            )
            request.version = version
            return request
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(version)
            try coder.serialize(messageImprint)
            if let requestedPolicy { try coder.serialize(requestedPolicy) }
            if let nonce { try coder.serialize(ASN1RawInteger(bytes: nonce)) }
            if certificateRequested { try coder.serialize(true) }
            if let extensions { try coder.serializeSequenceOf(extensions, identifier: .cmsContext(0)) }
        }
    }

    /// The DER encoding.
    public func derBytes() throws -> [UInt8] { try cmsDERBytes() }
}
