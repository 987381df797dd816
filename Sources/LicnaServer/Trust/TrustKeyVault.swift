import Crypto
import Foundation
import LicnaCore
import LicnaPKI
import X509

/// Seals trust-service private keys at rest under a key derived from the master key (HKDF purpose
/// `trust-service-keys`). A database copy without the master key yields no key; the root's key is also sealed
/// under its own passphrase (`PassphraseProtectedKey`), so the master key alone cannot sign CA certificates.
struct TrustKeyVault: Sendable {
    private let key: SymmetricKey

    init(masterKey: MasterKey) {
        key = masterKey.derive(purpose: "trust-service-keys", version: 1)
    }

    func seal(_ privateKey: Certificate.PrivateKey) throws -> [UInt8] {
        try seal(bytes: privateKey.serializeAsPEM().derBytes)
    }

    func seal(bytes: [UInt8]) throws -> [UInt8] {
        Array(try AES.GCM.seal(bytes, using: key).combined!)
    }

    func open(_ sealed: [UInt8]) throws -> Certificate.PrivateKey {
        try Certificate.PrivateKey(derBytes: openBytes(sealed))
    }

    func openBytes(_ sealed: [UInt8]) throws -> [UInt8] {
        Array(try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key))
    }
}
