import Crypto
import Foundation

/// The operator's admin token (`LICNA_ADMIN_TOKEN`), which guards officer pages and APIs until officers can sign
/// in. Only its SHA-256 is kept; comparison is constant-time.
public enum AdminToken {
    public static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }

    /// Compares a presented token with the stored hash without leaking where they differ.
    public static func matches(_ presented: String, hash: [UInt8]) -> Bool {
        let candidate = Self.hash(presented)
        var difference: UInt8 = 0
        for (a, b) in zip(candidate, hash) { difference |= a ^ b }
        return difference == 0 && candidate.count == hash.count
    }

    /// The value of the officer session cookie: an expiry and an HMAC over it keyed by the token's hash, so any
    /// server with the same token accepts it and no server stores sessions.
    public static func sessionCookie(hash: [UInt8], expires: Date) -> String {
        let expiry = String(Int(expires.timeIntervalSince1970))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(expiry.utf8), using: SymmetricKey(data: hash))
        return expiry + "." + Data(mac).base64EncodedString()
    }

    public static func validSession(_ cookie: String, hash: [UInt8], now: Date) -> Bool {
        let parts = cookie.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let expiry = Double(parts[0]), expiry > now.timeIntervalSince1970,
              let mac = Data(base64Encoded: String(parts[1])) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(parts[0].utf8), using: SymmetricKey(data: hash))
    }
}
