import Foundation

/// UUID version 7 (RFC 9562 §5.7): 48 bits of Unix time in milliseconds, then random bits. Rows keyed by it are
/// appended at the end of their index instead of anywhere in it, which keeps bulk imports fast; the time it
/// reveals is the row's creation time, which the row records anyway.
public enum TimeOrderedUUID {
    /// A UUIDv7 for a row created at `date` (the caller's clock), its random bits from `random`.
    public static func make(at date: Date, using random: inout some RandomNumberGenerator) -> UUID {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let a = random.next() as UInt64
        let b = random.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        for index in 6..<16 { bytes[index] = UInt8(truncatingIfNeeded: (index < 14 ? a : b) >> (8 * (index % 8))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)   // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)   // variant 10
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// A UUIDv7 for a row created at `date` (the caller's clock), with the system's random numbers.
    public static func make(at date: Date) -> UUID {
        var random = SystemRandomNumberGenerator()
        return make(at: date, using: &random)
    }
}
