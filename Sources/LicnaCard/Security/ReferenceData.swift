import Crypto
import Foundation

/// A PIN or PUK as the card keeps it (NIST SP 800-73-4 §2.4.3): never in clear in the image, but as an HMAC-SHA256
/// under a per-card random salt, compared in constant time. The presented value arrives in the PIV format: ASCII
/// digits padded with `FF` to 8 bytes (SP 800-73-4 §3.2.1).
///
/// A virtual card's image is a file: whoever holds it can try every 6-digit PIN offline, which is why a virtual
/// card is never a qualified signature-creation device (ARCHITECTURE.md). The hash keeps the PIN out of plain
/// sight in backups and logs; it is not a defence against the image's owner.
public struct ReferenceData: Hashable, Sendable, Codable {
    public let salt: [UInt8]
    public let digest: [UInt8]

    /// Why a new PIN or PUK is refused (the card answers `6A 80`).
    public enum Invalidity: Error, Hashable, Sendable {
        /// Not 6 to 8 ASCII digits, FF-padded to 8 bytes.
        case format
    }

    /// Reference data for a new value, given in the 8-byte PIV format.
    public init(pivFormatted value: [UInt8]) throws(Invalidity) {
        guard let digits = Self.digits(of: value) else { throw .format }
        var salt = [UInt8](repeating: 0, count: 16)
        var random = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = .random(in: .min ... .max, using: &random) }
        self.salt = salt
        digest = Self.mac(digits, salt: salt)
    }

    /// True when `presented` (8 bytes, PIV format) is this value. Constant time over the digest.
    public func matches(pivFormatted presented: [UInt8]) -> Bool {
        guard let digits = Self.digits(of: presented) else { return false }
        let candidate = Self.mac(digits, salt: salt)
        var difference: UInt8 = 0
        for (a, b) in zip(candidate, digest) { difference |= a ^ b }
        return difference == 0 && candidate.count == digest.count
    }

    /// The PIV format of a PIN typed by a person: its ASCII digits padded with `FF` to 8 bytes.
    public static func pivFormat(_ pin: String) -> [UInt8]? {
        let bytes = Array(pin.utf8)
        guard (6...8).contains(bytes.count), bytes.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return bytes + [UInt8](repeating: 0xFF, count: 8 - bytes.count)
    }

    /// The digits of an 8-byte PIV-formatted value, or nil when it is not 6–8 digits followed only by `FF`.
    static func digits(of value: [UInt8]) -> [UInt8]? {
        guard value.count == 8 else { return nil }
        let digits = value.prefix { $0 != 0xFF }
        guard (6...8).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }),
              value.dropFirst(digits.count).allSatisfy({ $0 == 0xFF }) else { return nil }
        return Array(digits)
    }

    private static func mac(_ digits: [UInt8], salt: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: digits, using: SymmetricKey(data: salt)))
    }
}
