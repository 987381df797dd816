/// Hexadecimal text as people and tools write it: ASCII digits `0-9`, `a-f` and `A-F` only. Swift's
/// `Character.isHexDigit` also accepts fullwidth forms ("０１"), which no radix parser reads — parsing through it
/// trapped `licna ca status --serial ０１` — so every hex input (serials, fingerprints, MACs) goes through here.
public enum ASCIIHex {
    /// The value of one ASCII hex digit, or nil.
    public static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The bytes of an even number of ASCII hex digits (`digits`, already stripped of separators), or nil. An odd
    /// count is padded with a leading zero when `padOdd` is set (serial numbers are printed without leading zeros).
    public static func decode(_ digits: some Collection<UInt8>, padOdd: Bool = false) -> [UInt8]? {
        guard digits.count % 2 == 0 || padOdd else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2 + 1)
        var high: UInt8? = digits.count % 2 == 1 ? 0 : nil
        for digit in digits {
            guard let value = nibble(digit) else { return nil }
            if let pending = high {
                bytes.append(pending << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }
}

extension ASCIIHex {
    /// Lowercase hex without separators: how Licna prints serial numbers, digests, fingerprints and MACs
    /// (../shared/CONVENTIONS.md). The one encoder; `String(format: "%02x")` loops are not written elsewhere.
    /// Inlinable so that callers get it specialized for their collection: unspecialized, it cost the OCSP responder
    /// about 2 µs per serial (BENCHMARKS.md).
    @inlinable
    public static func encode(_ bytes: some Sequence<UInt8>, uppercase: Bool = false) -> String {
        let letters = uppercase ? UInt8(ascii: "A") - 10 : UInt8(ascii: "a") - 10
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            let high = byte >> 4, low = byte & 0x0F
            text.append(high < 10 ? UInt8(ascii: "0") + high : letters + high)
            text.append(low < 10 ? UInt8(ascii: "0") + low : letters + low)
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of a hex string (ASCII digits only, even count), or nil.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        decode(Array(text.utf8))
    }
}

extension Sequence<UInt8> {
    /// These bytes as lowercase hex (``ASCIIHex/encode(_:uppercase:)``).
    public var hexString: String { ASCIIHex.encode(self) }
}
