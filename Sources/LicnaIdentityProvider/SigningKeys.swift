import Crypto
import Foundation

/// The provider's ES256 keys: ID tokens are signed with the newest; the JWKS publishes it with the keys before it,
/// so that tokens signed before a rotation still verify until they expire (Core §10.1.1: rotate by publishing the
/// new key, then signing with it).
public struct SigningKeys: Sendable {
    public struct Key: Sendable {
        public let privateKey: P256.Signing.PrivateKey
        public let keyID: String

        public init(_ privateKey: P256.Signing.PrivateKey) {
            self.privateKey = privateKey
            self.keyID = JSONWebKey(privateKey.publicKey).keyID ?? ""
        }
    }

    /// The key that signs, and the keys still published (newest first, the current one included).
    public let current: Key
    public let published: [Key]

    public init(current: Key, previous: [Key] = []) {
        self.current = current
        self.published = [current] + previous.filter { $0.keyID != current.keyID }
    }

    /// The JWKS document (RFC 7517 §5).
    public var jwks: [String: Any] {
        ["keys": published.map { JSONWebKey($0.privateKey.publicKey, keyID: $0.keyID).json }]
    }
}
