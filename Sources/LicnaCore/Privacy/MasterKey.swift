import Crypto
import Foundation
import LicnaBasics

/// The installation's master key: 32 random bytes from which every at-rest key is derived (HKDF, RFC 5869).
/// It lives outside the data directory, so a copied database or backup reveals nothing without it.
public struct MasterKey: Sendable {
    let key: SymmetricKey

    /// Why a master key could not be read.
    public struct Invalidity: Error, Hashable, Sendable, CustomStringConvertible {
        public let code: String
        public static let format = Invalidity(code: "master-key-format")
        public var description: String {
            "the master key must be 32 bytes written as 64 hexadecimal digits or as base64"
        }
    }

    /// A fresh random key.
    public static func generate() -> MasterKey { MasterKey(key: SymmetricKey(size: .bits256)) }

    init(key: SymmetricKey) { self.key = key }

    /// Reads a key written as 64 hexadecimal digits or as base64 of 32 bytes (surrounding whitespace ignored).
    public init(text: String) throws(Invalidity) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.utf8.count == 64, let bytes = ASCIIHex.decode(trimmed) {
            self.key = SymmetricKey(data: bytes)
        } else if let bytes = Data(base64Encoded: trimmed), bytes.count == 32 {
            self.key = SymmetricKey(data: bytes)
        } else {
            throw .format
        }
    }

    /// The key as 64 lowercase hexadecimal digits, for writing the key file.
    public var hexEncoded: String {
        key.withUnsafeBytes { ASCIIHex.encode($0) }
    }

    /// A subkey for one purpose and version: HKDF-SHA256 with the purpose and version in `info`.
    public func derive(purpose: String, version: Int) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key,
            salt: Data("licna.master-key.v1".utf8),
            info: Data("\(purpose)/v\(version)".utf8),
            outputByteCount: 32
        )
    }
}
