/// Reads DER elements one after another from a range of bytes, without building a tree: for the few parsers on a hot
/// path that expect exactly one shape and hand anything else to a full parser. Strict: a one-octet tag, a definite
/// length in the shortest form (X.690 §10.1), at most 65,535 octets, inside the range.
struct DERCursor {
    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    init(_ bytes: [UInt8]) {
        self.init(bytes, contents: 0..<bytes.count)
    }

    private init(_ bytes: [UInt8], contents: Range<Int>) {
        self.bytes = bytes
        position = contents.lowerBound
        end = contents.upperBound
    }

    var atEnd: Bool { position == end }

    /// The contents of the next element if its tag octet is `tag`, moving past it; nil (the cursor unmoved) when the
    /// next element has another tag, a length that is not DER, or runs past the end.
    mutating func next(_ tag: UInt8) -> Range<Int>? {
        guard end - position >= 2, bytes[position] == tag else { return nil }
        var index = position + 1
        let first = bytes[index]
        index += 1
        let length: Int
        switch first {
        case 0..<0x80:
            length = Int(first)
        case 0x81:  // long form only for 128 and above
            guard index < end, bytes[index] >= 0x80 else { return nil }
            length = Int(bytes[index])
            index += 1
        case 0x82:  // two octets only for 256 and above
            guard end - index >= 2, bytes[index] != 0 else { return nil }
            length = Int(bytes[index]) << 8 | Int(bytes[index + 1])
            index += 2
        default:
            return nil
        }
        guard length <= end - index else { return nil }
        position = index + length
        return index..<position
    }

    /// A cursor over `contents`, the contents of an element this cursor read.
    func inside(_ contents: Range<Int>) -> DERCursor {
        DERCursor(bytes, contents: contents)
    }
}
