/// Counts the elements (TLVs, at every nesting level) of DER bytes without building them, so that a validator can
/// refuse input whose parse would cost too much before handing it to a parser that builds every node: 32 MiB of
/// empty OCTET STRINGs is a valid SEQUENCE of 16 million elements, and parsing it takes gigabytes.
public enum DERElementCounter {
    /// The number of elements in `bytes`, or nil when there are more than `limit`, or the bytes are not a sequence
    /// of well-formed TLVs (definite lengths of at most four octets, each inside its parent).
    public static func count(_ bytes: [UInt8], limit: Int) -> Int? {
        var count = 0
        var ends: [Int] = []  // where the constructed elements being read end, innermost last
        var index = 0
        while index < bytes.count {
            while let end = ends.last, index >= end {
                guard index == end else { return nil }
                ends.removeLast()
            }
            let tag = bytes[index]
            index += 1
            if tag & 0x1F == 0x1F {  // high tag number: base-128 octets, the last without its top bit
                while index < bytes.count, bytes[index] & 0x80 != 0 { index += 1 }
                index += 1
            }
            guard index < bytes.count else { return nil }
            let first = Int(bytes[index])
            index += 1
            var length = first
            if first >= 0x80 {
                let octets = first & 0x7F
                guard octets >= 1, octets <= 4, index + octets <= bytes.count else { return nil }
                length = 0
                for _ in 0..<octets {
                    length = length << 8 | Int(bytes[index])
                    index += 1
                }
            }
            guard index + length <= (ends.last ?? bytes.count) else { return nil }
            count += 1
            if count > limit { return nil }
            if tag & 0x20 != 0 {
                ends.append(index + length)
            } else {
                index += length
            }
        }
        while let end = ends.last {
            guard end == bytes.count else { return nil }
            ends.removeLast()
        }
        return count
    }
}
