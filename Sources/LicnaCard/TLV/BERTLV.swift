/// BER-TLV data objects as ISO/IEC 7816-4 §5.2.2 and NIST SP 800-73-4 use them: tags of one to three bytes,
/// definite lengths in short or long form (up to four length bytes). Parsing untrusted bytes never traps:
/// every inconsistency is a `Malformed` error (the card answers `6A 80`).
public struct BERTLV: Hashable, Sendable {
    public var tag: UInt32
    public var value: [UInt8]

    public init(tag: UInt32, value: [UInt8]) {
        self.tag = tag
        self.value = value
    }

    public struct Malformed: Error, Hashable, Sendable {
        public let offset: Int
    }

    /// True when the tag's first byte marks a constructed object (bit 6).
    public var isConstructed: Bool {
        var first = tag
        while first > 0xFF { first >>= 8 }
        return first & 0x20 != 0
    }

    /// The encoded object.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        if tag > 0xFFFF { out.append(UInt8(tag >> 16)) }
        if tag > 0xFF { out.append(UInt8((tag >> 8) & 0xFF)) }
        out.append(UInt8(tag & 0xFF))
        out += Self.length(value.count)
        return out + value
    }

    /// The length field for `count` bytes: one byte below 128, else `81`–`83` and the big-endian count.
    public static func length(_ count: Int) -> [UInt8] {
        switch count {
        case ..<0x80: [UInt8(count)]
        case ..<0x100: [0x81, UInt8(count)]
        case ..<0x10000: [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
        default: [0x83, UInt8(count >> 16), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
        }
    }

    /// Every object at the top level of `bytes`, in order.
    public static func parseAll(_ bytes: [UInt8]) throws(Malformed) -> [BERTLV] {
        var objects: [BERTLV] = []
        var index = 0
        while index < bytes.count {
            // ISO 7816-4 §5.2.2.1: 00 and FF before a tag are padding.
            if bytes[index] == 0x00 || bytes[index] == 0xFF {
                index += 1
                continue
            }
            let (object, next) = try parse(bytes, at: index)
            objects.append(object)
            index = next
        }
        return objects
    }

    /// One object starting at `start`, and where the next one begins.
    public static func parse(_ bytes: [UInt8], at start: Int) throws(Malformed) -> (BERTLV, Int) {
        var index = start
        guard index < bytes.count else { throw Malformed(offset: index) }
        var tag = UInt32(bytes[index])
        index += 1
        if tag & 0x1F == 0x1F {  // subsequent tag bytes, bit 8 set on all but the last (at most 3 bytes in all)
            var more = 0
            repeat {
                guard index < bytes.count, more < 2 else { throw Malformed(offset: index) }
                tag = tag << 8 | UInt32(bytes[index])
                more += 1
                index += 1
            } while bytes[index - 1] & 0x80 != 0
        }
        guard index < bytes.count else { throw Malformed(offset: index) }
        var length = Int(bytes[index])
        index += 1
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard (1...3).contains(count), index + count <= bytes.count else { throw Malformed(offset: index) }
            length = 0
            for _ in 0..<count {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
        }
        guard length <= bytes.count - index else { throw Malformed(offset: index) }
        return (BERTLV(tag: tag, value: Array(bytes[index..<(index + length)])), index + length)
    }

    /// The first object with `tag` at the top level of `bytes`.
    public static func first(_ tag: UInt32, in bytes: [UInt8]) throws(Malformed) -> BERTLV? {
        try parseAll(bytes).first { $0.tag == tag }
    }
}
