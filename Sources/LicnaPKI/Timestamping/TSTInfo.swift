import Foundation
import SwiftASN1
import X509

/// RFC 3161 §2.4.2:
///
/// ```
/// TSTInfo ::= SEQUENCE {
///     version INTEGER { v1(1) },
///     policy TSAPolicyId,
///     messageImprint MessageImprint,
///     serialNumber INTEGER,
///     genTime GeneralizedTime,
///     accuracy Accuracy OPTIONAL,
///     ordering BOOLEAN DEFAULT FALSE,
///     nonce INTEGER OPTIONAL,
///     tsa [0] GeneralName OPTIONAL,
///     extensions [1] IMPLICIT Extensions OPTIONAL }
/// ```
///
/// `tsa` is a CHOICE and therefore explicitly tagged. Licna writes no extensions and `ordering` only when true.
public struct TSTInfo: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `version`; 1.
    public var version: Int
    /// `policy`.
    public var policy: ASN1ObjectIdentifier
    /// `messageImprint`, copied from the request.
    public var messageImprint: MessageImprint
    /// `serialNumber`, positive, as big-endian magnitude bytes.
    public var serialNumber: [UInt8]
    /// `genTime`; fractional seconds without trailing zeros (RFC 3161 §2.4.2).
    public var genTime: GeneralizedTime
    /// `accuracy`.
    public var accuracy: TSTAccuracy?
    /// `ordering`.
    public var ordering: Bool
    /// `nonce`, two's-complement content octets as in the request.
    public var nonce: [UInt8]?
    /// `tsa`.
    public var tsaName: GeneralName?
    /// `extensions`.
    public var extensions: [Certificate.Extension]?

    /// A version-1 TSTInfo.
    public init(
        policy: ASN1ObjectIdentifier,
        messageImprint: MessageImprint,
        serialNumber: [UInt8],
        genTime: GeneralizedTime,
        accuracy: TSTAccuracy? = nil,
        ordering: Bool = false,
        nonce: [UInt8]? = nil,
        tsaName: GeneralName? = nil,
        extensions: [Certificate.Extension]? = nil
    ) {
        self.version = 1
        self.policy = policy
        self.messageImprint = messageImprint
        self.serialNumber = serialNumber
        self.genTime = genTime
        self.accuracy = accuracy
        self.ordering = ordering
        self.nonce = nonce
        self.tsaName = tsaName
        self.extensions = extensions
    }

    /// `genTime` as a `Date` (UTC).
    public var genDate: Date { CMSTime.date(genTime) }

    /// `genTime` for `date` with `fractionalDigits` (0–6) digits of the second, truncated, trailing zeros dropped.
    public static func genTime(for date: Date, fractionalDigits: Int = 3) throws -> GeneralizedTime {
        try CMSTime.generalizedTime(date, fractionalDigits: fractionalDigits)
    }

    /// Decodes DER; errors are `PKIError(.malformed)`.
    public init(derEncoded bytes: [UInt8]) throws {
        self = try PKIError.mappingMalformed("TSTInfo") { try TSTInfo(derEncoded: try DER.parse(bytes)) }
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let version = try Int(derEncoded: &nodes)
            let policy = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let imprint = try MessageImprint(derEncoded: &nodes)
            let serial = try ArraySlice<UInt8>(derEncoded: &nodes)
            let genTime = try GeneralizedTime(derEncoded: &nodes)
            let accuracy: TSTAccuracy? = try DER.optionalImplicitlyTagged(&nodes)
            let ordering = try DER.decodeDefault(&nodes, defaultValue: false)
            let nonce: ASN1RawInteger? = try DER.optionalImplicitlyTagged(&nodes)
            let tsa = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                try GeneralName(derEncoded: node)
            }
            let extensions = try DER.optionalImplicitlyTagged(&nodes, tagNumber: 1, tagClass: .contextSpecific) { node in
                try DER.sequence(of: Certificate.Extension.self, identifier: .cmsContext(1), rootNode: node)
            }
            var info = TSTInfo(
                policy: policy, messageImprint: imprint, serialNumber: Array(serial), genTime: genTime,
                accuracy: accuracy, ordering: ordering, nonce: nonce?.bytes, tsaName: tsa, extensions: extensions
            )
            info.version = version
            return info
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(version)
            try coder.serialize(policy)
            try coder.serialize(messageImprint)
            try coder.serialize(serialNumber[...])
            try coder.serialize(genTime)
            if let accuracy { try coder.serialize(accuracy) }
            if ordering { try coder.serialize(true) }
            if let nonce { try coder.serialize(ASN1RawInteger(bytes: nonce)) }
            if let tsaName { try coder.serialize(tsaName, explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) }
            if let extensions { try coder.serializeSequenceOf(extensions, identifier: .cmsContext(1)) }
        }
    }

    /// The DER encoding (the `eContent` of a timestamp token).
    public func derBytes() throws -> [UInt8] { try cmsDERBytes() }
}
