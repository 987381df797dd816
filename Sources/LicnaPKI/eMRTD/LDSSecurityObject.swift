import SwiftASN1

/// The LDS security object, the signed content of EF.SOD (ICAO 9303-10 §4.6.2.2, Appendix D):
///
/// ```
/// LDSSecurityObject ::= SEQUENCE {
///     version LDSSecurityObjectVersion,            -- v0(0); v1(1) when ldsVersionInfo is present
///     hashAlgorithm DigestAlgorithmIdentifier,
///     dataGroupHashValues SEQUENCE SIZE (2..ub-DataGroups) OF DataGroupHash,
///     ldsVersionInfo LDSVersionInfo OPTIONAL }
/// DataGroupHash ::= SEQUENCE {
///     dataGroupNumber DataGroupNumber,             -- INTEGER 1..16
///     dataGroupHashValue OCTET STRING }
/// LDSVersionInfo ::= SEQUENCE { ldsVersion PrintableString, unicodeVersion PrintableString }
/// ```
public struct LDSSecurityObject: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// One `DataGroupHash`.
    public struct DataGroupHash: Hashable, Sendable {
        /// `dataGroupNumber`, 1–16.
        public var number: Int
        /// `dataGroupHashValue`: the hash of the whole data group file, tag and length included.
        public var hash: [UInt8]

        public init(number: Int, hash: [UInt8]) {
            self.number = number
            self.hash = hash
        }
    }

    /// `LDSVersionInfo` (ICAO 9303-10 §4.6.2.2, LDS 1.8): e.g. "0108" and "040000".
    public struct VersionInfo: Hashable, Sendable {
        public var ldsVersion: String
        public var unicodeVersion: String

        public init(ldsVersion: String, unicodeVersion: String) {
            self.ldsVersion = ldsVersion
            self.unicodeVersion = unicodeVersion
        }
    }

    /// `version`: 0, or 1 when `versionInfo` is present.
    public var version: Int
    /// `hashAlgorithm`.
    public var hashAlgorithm: AlgorithmIdentifier
    /// `dataGroupHashValues`, in encoded order.
    public var dataGroupHashes: [DataGroupHash]
    /// `ldsVersionInfo`.
    public var versionInfo: VersionInfo?

    /// A security object; `version` follows from `versionInfo`.
    public init(hashAlgorithm: AlgorithmIdentifier, dataGroupHashes: [DataGroupHash], versionInfo: VersionInfo? = nil) {
        self.version = versionInfo == nil ? 0 : 1
        self.hashAlgorithm = hashAlgorithm
        self.dataGroupHashes = dataGroupHashes
        self.versionInfo = versionInfo
    }

    /// The security object for `dataGroups` (number → whole file), hashed with `digestAlgorithm`, in ascending
    /// data group order.
    public init(hashing dataGroups: [Int: [UInt8]], with digestAlgorithm: DigestAlgorithm = .sha256) throws {
        guard dataGroups.keys.allSatisfy({ (1...16).contains($0) }) else {
            throw PKIError(.profileViolation, "data group numbers are 1 to 16 (ICAO 9303-10 §4.6.2.2)")
        }
        self.init(
            hashAlgorithm: digestAlgorithm.algorithmIdentifier,
            dataGroupHashes: dataGroups.keys.sorted().map { DataGroupHash(number: $0, hash: digestAlgorithm.hash(dataGroups[$0] ?? [])) })
    }

    /// Decodes DER; errors are `PKIError(.malformed)`.
    public init(derEncoded bytes: [UInt8]) throws {
        self = try PKIError.mappingMalformed("LDSSecurityObject") { try LDSSecurityObject(derEncoded: try DER.parse(bytes)) }
    }

    /// The DER encoding.
    public func derBytes() throws -> [UInt8] { try DEREncoding.encode(self) }

    /// `hashAlgorithm` as a digest Licna computes, or nil.
    public var digestAlgorithm: DigestAlgorithm? { DigestAlgorithm(oid: hashAlgorithm.algorithm) }

    /// The hash recorded for data group `number`.
    public func hash(ofDataGroup number: Int) -> [UInt8]? {
        dataGroupHashes.first { $0.number == number }?.hash
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let version = try Int(derEncoded: &nodes)
            guard version == 0 || version == 1 else { throw PKIError(.malformed, "LDSSecurityObject version \(version)") }
            let hashAlgorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            let hashes = try DER.sequence(of: DataGroupHashNode.self, identifier: .sequence, nodes: &nodes)
            var versionInfo: VersionInfo?
            if let node = nodes.next() {
                versionInfo = try DER.sequence(node, identifier: .sequence) { nodes in
                    let lds = try ASN1PrintableString(derEncoded: &nodes)
                    let unicode = try ASN1PrintableString(derEncoded: &nodes)
                    return VersionInfo(ldsVersion: String(lds), unicodeVersion: String(unicode))
                }
            }
            guard (versionInfo == nil) == (version == 0) else {
                throw PKIError(.malformed, "LDSSecurityObject version \(version) with\(versionInfo == nil ? "out" : "") ldsVersionInfo")
            }
            var object = LDSSecurityObject(hashAlgorithm: hashAlgorithm, dataGroupHashes: hashes.map(\.value), versionInfo: versionInfo)
            object.version = version
            return object
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(version)
            try coder.serialize(hashAlgorithm)
            try coder.serializeSequenceOf(dataGroupHashes.map(DataGroupHashNode.init))
            if let versionInfo {
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(try ASN1PrintableString(versionInfo.ldsVersion))
                    try coder.serialize(try ASN1PrintableString(versionInfo.unicodeVersion))
                }
            }
        }
    }
}

/// The DER coding of `DataGroupHash`.
struct DataGroupHashNode: DERImplicitlyTaggable {
    static var defaultIdentifier: ASN1Identifier { .sequence }
    var value: LDSSecurityObject.DataGroupHash

    init(_ value: LDSSecurityObject.DataGroupHash) {
        self.value = value
    }

    init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        value = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let number = try Int(derEncoded: &nodes)
            guard (1...16).contains(number) else { throw PKIError(.malformed, "data group number \(number) is not 1–16") }
            let hash = try ASN1OctetString(derEncoded: &nodes)
            return LDSSecurityObject.DataGroupHash(number: number, hash: Array(hash.bytes))
        }
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(value.number)
            try coder.serialize(ASN1OctetString(contentBytes: value.hash[...]))
        }
    }
}
