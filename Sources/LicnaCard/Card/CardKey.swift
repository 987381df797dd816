import Crypto

/// A private key generated on the card (SP 800-73-4 §3.3.2) and kept in its image; no command reads it out.
public struct CardKey: Hashable, Sendable, Codable {
    public let algorithm: CardKeyAlgorithm
    /// The scalar (`rawRepresentation`), only ever used on the card.
    let privateKey: [UInt8]

    /// Generates a key pair on the card.
    public static func generate(_ algorithm: CardKeyAlgorithm) -> CardKey? {
        switch algorithm {
        case .p256: CardKey(algorithm: algorithm, privateKey: Array(P256.Signing.PrivateKey().rawRepresentation))
        case .p384: CardKey(algorithm: algorithm, privateKey: Array(P384.Signing.PrivateKey().rawRepresentation))
        case .aes256: nil
        }
    }

    /// The public point, uncompressed (`04 X Y`, the `86` element of the `7F 49` template).
    public var publicPoint: [UInt8] {
        switch algorithm {
        case .p256: (try? P256.Signing.PrivateKey(rawRepresentation: privateKey)).map { Array($0.publicKey.x963Representation) } ?? []
        case .p384: (try? P384.Signing.PrivateKey(rawRepresentation: privateKey)).map { Array($0.publicKey.x963Representation) } ?? []
        case .aes256: []
        }
    }

    /// The DER ECDSA signature of a hash of exactly `algorithm.hashLength` bytes (the card signs what it is
    /// given; the host hashes, SP 800-73-4 §3.3.2 / SP 800-78-4 §3.2).
    public func sign(hash: [UInt8]) throws -> [UInt8] {
        switch algorithm {
        case .p256:
            let key = try P256.Signing.PrivateKey(rawRepresentation: privateKey)
            return Array(try key.signature(for: PrecomputedHash<P256Length>(hash)).derRepresentation)
        case .p384:
            let key = try P384.Signing.PrivateKey(rawRepresentation: privateKey)
            return Array(try key.signature(for: PrecomputedHash<P384Length>(hash)).derRepresentation)
        case .aes256:
            throw CryptoKitError.incorrectParameterSize
        }
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
