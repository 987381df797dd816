import Foundation

/// A value encrypted at rest: the AES-GCM combined box (nonce ‖ ciphertext ‖ tag) and the version of the key
/// that sealed it, so that keys can be rotated without losing old rows.
public struct SealedValue: Hashable, Sendable {
    public let keyVersion: Int
    public let combined: Data

    public init(keyVersion: Int, combined: Data) {
        self.keyVersion = keyVersion
        self.combined = combined
    }
}
