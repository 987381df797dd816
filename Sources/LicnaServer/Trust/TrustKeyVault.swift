import Crypto
import Foundation
import LicnaCore
import LicnaPKI
import X509

/// Seals trust-service private keys at rest under a key derived from the master key (HKDF purpose
/// `trust-service-keys`). A database copy without the master key yields no key; the root's key is also sealed
/// under its own passphrase (`PassphraseProtectedKey`), so the master key alone cannot sign CA certificates.
///
/// Every sealed key is bound to where it lives — table, row and purpose — as AES-GCM associated data
/// (`SealedKeyLocation`): a sealed key copied or swapped into another row does not open. Rows sealed before this
/// binding (no associated data) are re-sealed once by `upgradeSealing` (setting `key-sealing` = 2).
struct TrustKeyVault: Sendable {
    private let key: SymmetricKey

    init(masterKey: MasterKey) {
        key = masterKey.derive(purpose: "trust-service-keys", version: 1)
    }

    /// A fingerprint of the master key (an HMAC under it of a fixed label): tells cached hierarchies of different
    /// installations apart without revealing anything of the key.
    var cacheIdentity: [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data("licna trust hierarchy cache".utf8), using: key))
    }

    func seal(_ privateKey: Certificate.PrivateKey, at location: SealedKeyLocation) throws -> [UInt8] {
        try seal(bytes: privateKey.serializeAsPEM().derBytes, at: location)
    }

    func seal(bytes: [UInt8], at location: SealedKeyLocation) throws -> [UInt8] {
        let box = try AES.GCM.seal(bytes, using: key, authenticating: location.associatedData)
        guard let combined = box.combined else { throw TrustError.keySealing }  // a 12-byte nonce always combines
        return Array(combined)
    }

    func open(_ sealed: [UInt8], at location: SealedKeyLocation) throws -> Certificate.PrivateKey {
        try Certificate.PrivateKey(derBytes: openBytes(sealed, at: location))
    }

    func openBytes(_ sealed: [UInt8], at location: SealedKeyLocation) throws -> [UInt8] {
        do {
            return Array(try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: location.associatedData))
        } catch {
            throw TrustError.keyMismatch("the sealed key of \(location) does not open here: it was moved from another row, or the master key differs")
        }
    }

    /// Opens a key sealed before keys were bound to their rows; used only by `upgradeSealing`.
    func openUnbound(_ sealed: [UInt8]) throws -> [UInt8] {
        Array(try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key))
    }
}

/// Where a sealed key lives: the AES-GCM associated data that ties it to its table, row and purpose.
struct SealedKeyLocation: Sendable, CustomStringConvertible {
    let table: String
    let row: String
    let purpose: String

    static func authority(_ name: String) -> SealedKeyLocation { .init(table: PKIAuthoritiesTable.table.name, row: name, purpose: "ca-key") }
    static func signingKey(_ id: String) -> SealedKeyLocation { .init(table: PKISigningKeysTable.table.name, row: id, purpose: "signing-key") }
    /// The development root for virtual cards' attestation keys (`pki_settings`, `virtual-card-root-key`).
    static let developmentCardRoot = SealedKeyLocation(table: PKISettingsTable.table.name,
                                                       row: InstallationSettings.Key.developmentCardRootKey.rawValue, purpose: "attestation-root")

    var associatedData: Data { Data("licna/sealed-key/v2\u{0}\(table)\u{0}\(row)\u{0}\(purpose)".utf8) }
    var description: String { "\(table)/\(row)" }
}
