import Crypto
import Foundation

/// The operator's admin token (`LICNA_ADMIN_TOKEN`), which guards officer pages and APIs until officers can sign
/// in. Only its SHA-256 is kept; comparison is constant-time.
public enum AdminToken {
    /// The shortest token accepted outside `--dev`: 32 characters, as `openssl rand -hex 32` gives 64.
    public static let minimumLength = 32

    public static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }

    /// Compares a presented token with the stored hash without leaking where they differ.
    public static func matches(_ presented: String, hash: [UInt8]) -> Bool {
        let candidate = Self.hash(presented)
        var difference: UInt8 = 0
        for (a, b) in zip(candidate, hash) { difference |= a ^ b }
        return difference == 0 && candidate.count == hash.count
    }

    /// Why a token may not guard a production server, or nil. A short token (`change-me`) falls to guessing, all the
    /// more since the officer pages face the network; `--dev` installations may use one.
    public static func weakness(of token: String, development: Bool) -> String? {
        guard !development else { return nil }
        if token.count < minimumLength { return "shorter than \(minimumLength) characters" }
        if Set(token).count < 8 { return "fewer than 8 different characters" }
        return nil
    }
}
