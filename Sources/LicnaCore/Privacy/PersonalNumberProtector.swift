import Crypto
import Foundation
import LicnaBasics

/// Protects personal numbers at rest (the JMBG): AES-256-GCM under a subkey derived from the master key, with the
/// owning row's identity as associated data (a ciphertext moved to another row does not open), and a blind index —
/// HMAC-SHA256 under a separate subkey — by which the number is found without being decrypted.
public struct PersonalNumberProtector: Sendable {
    /// The key version new values are sealed with.
    public let currentVersion: Int
    private let encryptionKeys: [Int: SymmetricKey]
    /// HMAC state after the key schedule: copied for each number instead of set up again.
    private let indexHMAC: HMAC<SHA256>

    /// Why a sealed value could not be opened.
    /// Each is the installation's state, not the caller's input (category `internal`): the message says to restore
    /// the right master key or a backup; the detail never holds the number.
    public struct Failure: LicnaError, Hashable {
        public let code: ErrorCode
        public let detail: String
        public var category: ErrorCategory { .internal }
        public var messageKey: String { "error.personal-number.sealed" }
        public static let unknownKeyVersion = Failure(code: ErrorCode("personal-number-unknown-key-version"),
                                                      detail: "the value was sealed with a key version this installation does not have")
        public static let authentication = Failure(code: ErrorCode("personal-number-authentication-failed"),
                                                   detail: "the value does not open with this master key (wrong key, or the row was tampered with)")
        public static let content = Failure(code: ErrorCode("personal-number-content"), detail: "the opened value is not a valid personal number")
        /// Every failure.
        public static let all: [Failure] = [unknownKeyVersion, authentication, content]
        public var description: String { detail }
    }

    public init(masterKey: MasterKey, currentVersion: Int = 1) {
        self.currentVersion = currentVersion
        var keys: [Int: SymmetricKey] = [:]
        for version in 1...currentVersion {
            keys[version] = masterKey.derive(purpose: "jmbg.encryption", version: version)
        }
        self.encryptionKeys = keys
        // The index key never rotates: rotating it would require rehashing every row at once.
        self.indexHMAC = HMAC<SHA256>(key: masterKey.derive(purpose: "jmbg.blind-index", version: 1))
    }

    /// Seals a JMBG for the row identified by `owner`.
    public func seal(_ jmbg: JMBG, owner: String) -> SealedValue {
        // AES-GCM with a 12-byte random nonce and a 32-byte key cannot fail.
        let box = try! AES.GCM.seal(Data(jmbg.digits.utf8), using: encryptionKeys[currentVersion]!,
                                    authenticating: Data(owner.utf8))
        return SealedValue(keyVersion: currentVersion, combined: box.combined!)
    }

    /// Opens a sealed JMBG of the row `owner`.
    public func open(_ sealed: SealedValue, owner: String) throws(Failure) -> JMBG {
        guard let key = encryptionKeys[sealed.keyVersion] else { throw .unknownKeyVersion }
        let plain: Data
        do {
            plain = try AES.GCM.open(AES.GCM.SealedBox(combined: sealed.combined), using: key,
                                     authenticating: Data(owner.utf8))
        } catch {
            throw .authentication
        }
        guard let text = String(data: plain, encoding: .utf8),
              let jmbg = try? JMBG(text, today: CivilDate(year: 9999, month: 12, day: 31)!) else { throw .content }
        return jmbg
    }

    /// The blind index of a JMBG: the first 128 bits of its HMAC (16 bytes keep the index small).
    public func blindIndex(_ jmbg: JMBG) -> Data {
        var hmac = indexHMAC
        var digits = jmbg.digits
        digits.withUTF8 { hmac.update(data: $0) }
        return hmac.finalize().withUnsafeBytes { Data($0.prefix(16)) }
    }
}
