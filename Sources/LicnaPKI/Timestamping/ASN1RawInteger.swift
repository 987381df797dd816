import SwiftASN1

/// An INTEGER of any size kept as its two's-complement content octets, so that an RFC 3161 §2.4.2 nonce
/// is echoed exactly as the requester encoded it.
struct ASN1RawInteger: ASN1IntegerRepresentable, Hashable, Sendable {
    static var isSigned: Bool { true }

    /// Big-endian two's-complement octets (minimal when decoded from DER).
    var bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    init(derIntegerBytes: ArraySlice<UInt8>) throws { bytes = Array(derIntegerBytes) }

    init(berIntegerBytes: ArraySlice<UInt8>) throws { bytes = Array(berIntegerBytes) }

    func withBigEndianIntegerBytes<ReturnType>(_ body: (ArraySlice<UInt8>) throws -> ReturnType) rethrows -> ReturnType {
        try body(bytes[...])
    }
}

extension Array where Element == UInt8 {
    /// The same two's-complement INTEGER in the fewest octets (X.690 §8.3.2), as DER puts it on the wire:
    /// `00 12` is `12`, `FF 80` is `80`.
    public var minimalTwosComplement: [UInt8] {
        var start = startIndex
        while start + 1 < endIndex,
              (self[start] == 0x00 && self[start + 1] & 0x80 == 0) || (self[start] == 0xFF && self[start + 1] & 0x80 != 0) {
            start += 1
        }
        return Array(self[start...])
    }

    /// The big-endian magnitude of `value` without leading zero octets (empty for zero).
    static func bigEndianMagnitude(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        var remaining = value
        while remaining > 0 {
            bytes.insert(UInt8(truncatingIfNeeded: remaining), at: 0)
            remaining >>= 8
        }
        return bytes
    }
}
