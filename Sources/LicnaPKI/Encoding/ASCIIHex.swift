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
