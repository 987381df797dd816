import Crypto
import X509

/// RFC 5280 §4.1.2.2 and CA/B Forum practice: serial numbers are positive, at most 20 octets, and unpredictable.
/// Licna uses 128 random bits with the top bit cleared (so the INTEGER is positive and 16 octets or fewer).
/// Uniqueness is enforced by the database, which retries on a collision.
public struct CertificateSerialNumberGenerator: Sendable {
    public init() {}

    public func next() -> Certificate.SerialNumber {
        var bytes = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        repeat {
            for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max, using: &generator) }
            bytes[0] &= 0x7F
        } while bytes[0] == 0  // keep 16 significant octets, so every serial prints as 32 hex digits or 31
        return Certificate.SerialNumber(bytes: bytes)
    }
}

extension Certificate.SerialNumber {
    /// Lowercase hex without separators or leading zero octets (CONVENTIONS: how serials are printed).
    public var hex: String {
        let trimmed = bytes.drop(while: { $0 == 0 })
        guard !trimmed.isEmpty else { return "0" }
        return ASCIIHex.encode(trimmed)
    }

    /// Parses a serial printed in hex, in any case, with or without `:` separators or a `0x` prefix. Only ASCII hex
    /// digits count: `Character.isHexDigit` also accepts fullwidth forms such as "０１", which no radix parser reads.
    public init?(hex text: String) {
        var digits = Array(text.utf8.filter { $0 != UInt8(ascii: ":") })
        if digits.count >= 2, digits[0] == UInt8(ascii: "0"), digits[1] | 0x20 == UInt8(ascii: "x") { digits.removeFirst(2) }
        guard !digits.isEmpty, digits.count <= 40, let bytes = ASCIIHex.decode(digits, padOdd: true) else { return nil }
        self.init(bytes: bytes)
    }

}

import Foundation
import LicnaBasics
