import Crypto

/// A private key kept in the card image; no command reads it out. Most are generated on the card (SP 800-73-4
/// §3.3.2); a key imported in personalization (Yubico's IMPORT ASYMMETRIC KEY) says so, and the card never attests
/// it (docs/card.md, "Key attestation"). The parsed key is kept beside its scalar so that a signature does not
/// recompute the public point.
public struct CardKey: Hashable, Sendable, Codable {
    public let algorithm: CardKeyAlgorithm
    /// True when the key pair was made by the card itself: only such a key can be attested. Images written before
    /// the flag existed held generated keys only (the card had no import), so a missing flag reads as true.
    public let generatedOnCard: Bool
    private let signer: Signer

    private enum Signer: Sendable {
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
    }

    private enum CodingKeys: String, CodingKey {
        case algorithm, privateKey, generatedOnCard
    }

    private init(_ signer: Signer, generatedOnCard: Bool) {
        self.signer = signer
        self.generatedOnCard = generatedOnCard
        switch signer {
        case .p256: algorithm = .p256
        case .p384: algorithm = .p384
        }
    }

    /// Generates a key pair on the card.
    public static func generate(_ algorithm: CardKeyAlgorithm) -> CardKey? {
        switch algorithm {
        case .p256: CardKey(.p256(P256.Signing.PrivateKey()), generatedOnCard: true)
        case .p384: CardKey(.p384(P384.Signing.PrivateKey()), generatedOnCard: true)
        case .aes256: nil
        }
    }

    /// A key made elsewhere and imported (its private scalar, `rawRepresentation`); nil when the scalar is not a
    /// valid key of `algorithm`.
    public static func imported(_ algorithm: CardKeyAlgorithm, scalar: [UInt8]) -> CardKey? {
        switch algorithm {
        case .p256: (try? P256.Signing.PrivateKey(rawRepresentation: scalar)).map { CardKey(.p256($0), generatedOnCard: false) }
        case .p384: (try? P384.Signing.PrivateKey(rawRepresentation: scalar)).map { CardKey(.p384($0), generatedOnCard: false) }
        case .aes256: nil
        }
    }

    /// The scalar (`rawRepresentation`), only ever written to the card image.
    private var scalar: [UInt8] {
        switch signer {
        case .p256(let key): Array(key.rawRepresentation)
        case .p384(let key): Array(key.rawRepresentation)
        }
    }

    /// The public point, uncompressed (`04 X Y`, the `86` element of the `7F 49` template).
    public var publicPoint: [UInt8] {
        switch signer {
        case .p256(let key): Array(key.publicKey.x963Representation)
        case .p384(let key): Array(key.publicKey.x963Representation)
        }
    }

    /// The DER ECDSA signature of a hash of exactly `algorithm.hashLength` bytes (the card signs what it is
    /// given; the host hashes, SP 800-73-4 §3.3.2 / SP 800-78-4 §3.2).
    public func sign(hash: [UInt8]) throws -> [UInt8] {
        switch signer {
        case .p256(let key): Array(try key.signature(for: PrecomputedHash<P256Length>(hash)).derRepresentation)
        case .p384(let key): Array(try key.signature(for: PrecomputedHash<P384Length>(hash)).derRepresentation)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try container.decode([UInt8].self, forKey: .privateKey)
        let generated = try container.decodeIfPresent(Bool.self, forKey: .generatedOnCard) ?? true
        switch try container.decode(CardKeyAlgorithm.self, forKey: .algorithm) {
        case .p256: self.init(.p256(try P256.Signing.PrivateKey(rawRepresentation: raw)), generatedOnCard: generated)
        case .p384: self.init(.p384(try P384.Signing.PrivateKey(rawRepresentation: raw)), generatedOnCard: generated)
        case .aes256:
            throw DecodingError.dataCorruptedError(forKey: .algorithm, in: container, debugDescription: "not a key-pair algorithm")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(algorithm, forKey: .algorithm)
        try container.encode(scalar, forKey: .privateKey)
        try container.encode(generatedOnCard, forKey: .generatedOnCard)
    }

    public static func == (lhs: CardKey, rhs: CardKey) -> Bool {
        lhs.algorithm == rhs.algorithm && lhs.publicPoint == rhs.publicPoint && lhs.generatedOnCard == rhs.generatedOnCard
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(algorithm)
        hasher.combine(publicPoint)
    }
}

/// A hash computed by the host, handed to swift-crypto's ECDSA as a `Digest` of the curve's length.
struct PrecomputedHash<Length: HashLength>: Digest {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        precondition(bytes.count == Length.byteCount)
        self.bytes = bytes
    }

    static var byteCount: Int { Length.byteCount }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }

    func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }

    var description: String { "PrecomputedHash(\(bytes.count) bytes)" }
}

protocol HashLength: Sendable { static var byteCount: Int { get } }
enum P256Length: HashLength { static var byteCount: Int { 32 } }
enum P384Length: HashLength { static var byteCount: Int { 48 } }
