import Crypto
import Foundation

/// TOTP (RFC 6238) over HOTP (RFC 4226 §5): HMAC-SHA1 of the 30-second time step, dynamically truncated to six
/// digits — what every authenticator app computes from an `otpauth://totp/` URI.
public struct TimeBasedOneTimePassword: Sendable {
    public let secret: [UInt8]
    public let digits: Int
    public let period: TimeInterval

    public init(secret: [UInt8], digits: Int = 6, period: TimeInterval = 30) {
        self.secret = secret
        self.digits = digits
        self.period = period
    }

    /// A new random secret of 160 bits (RFC 4226 §4 recommends 160).
    public static func newSecret() -> [UInt8] {
        SymmetricKey(size: .init(bitCount: 160)).withUnsafeBytes { Array($0) }
    }

    /// The time step of an instant (RFC 6238 §4.2: T = floor((now − T0) / X), T0 = 0).
    public func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / period).rounded(.down))
    }

    /// The code of a time step (RFC 4226 §5.3's dynamic truncation).
    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// The step whose code `code` is, within one step of now either way (RFC 6238 §5.2's allowance for clock drift
    /// and typing time), if it is later than `after` — a code once accepted is never accepted again (§5.2). Only
    /// ASCII digits of the right length are considered.
    public func verify(_ code: String, at date: Date, after: Int64? = nil) -> Int64? {
        guard code.utf8.count == digits, code.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let now = step(at: date)
        for candidate in [now - 1, now, now + 1] where candidate > (after ?? Int64.min) {
            if ConstantTime.equal(Array(self.code(step: candidate).utf8), Array(code.utf8)) { return candidate }
        }
        return nil
    }

    /// The key URI authenticator apps read (the `otpauth://totp/` format of Google Authenticator's wiki), with the
    /// secret in base32 (RFC 4648 §6, without padding).
    public func uri(issuer: String, account: String) -> String {
        func escaped(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
        return "otpauth://totp/\(escaped(issuer)):\(escaped(account))?secret=\(Self.base32(secret))&issuer=\(escaped(issuer))&algorithm=SHA1&digits=\(digits)&period=\(Int(period))"
    }

    /// RFC 4648 §6 base32, without padding.
    public static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }
}
