/// The bytes of a PDF string (ISO 32000-1 §7.3.4) and the form it is written in.
///
/// Equality compares bytes only: `(AB)` and `<4142>` are the same string.
public struct PDFString: Hashable, Sendable, CustomStringConvertible {
    /// The decoded bytes.
    public var bytes: [UInt8]
    /// Whether the serializer writes the hexadecimal form `<…>` (as /Contents of a signature must be).
    public var prefersHexadecimal: Bool

    public init(bytes: [UInt8], prefersHexadecimal: Bool = false) {
        self.bytes = bytes
        self.prefersHexadecimal = prefersHexadecimal
    }

    /// A text string (§7.9.2.2): UTF-16BE with a byte-order mark when any character is outside PDFDocEncoding's ASCII
    /// part, otherwise the ASCII bytes.
    public init(text: String) {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            self.init(bytes: Array(text.utf8))
        } else {
            var bytes: [UInt8] = [0xFE, 0xFF]
            for unit in text.utf16 { bytes += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
            self.init(bytes: bytes)
        }
    }

    public static func == (lhs: PDFString, rhs: PDFString) -> Bool { lhs.bytes == rhs.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

    /// The string read as a text string (§7.9.2.2): UTF-16BE or UTF-8 with a byte-order mark, else PDFDocEncoding.
    public var text: String {
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var index = 2
            while index + 1 < bytes.count {
                units.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
                index += 2
            }
            return String(decoding: units, as: UTF16.self)
        }
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return String(decoding: bytes.dropFirst(3), as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value = Self.pdfDocEncodingHigh[byte] ?? UInt32(byte)
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    public var description: String { text }

    /// PDFDocEncoding (Annex D.2) where it differs from ISO Latin-1.
    private static let pdfDocEncodingHigh: [UInt8: UInt32] = [
        0x18: 0x02D8, 0x19: 0x02C7, 0x1A: 0x02C6, 0x1B: 0x02D9, 0x1C: 0x02DD, 0x1D: 0x02DB, 0x1E: 0x02DA,
        0x1F: 0x02DC, 0x80: 0x2022, 0x81: 0x2020, 0x82: 0x2021, 0x83: 0x2026, 0x84: 0x2014, 0x85: 0x2013,
        0x86: 0x0192, 0x87: 0x2044, 0x88: 0x2039, 0x89: 0x203A, 0x8A: 0x2212, 0x8B: 0x2030, 0x8C: 0x201E,
        0x8D: 0x201C, 0x8E: 0x201D, 0x8F: 0x2018, 0x90: 0x2019, 0x91: 0x201A, 0x92: 0x2122, 0x93: 0xFB01,
        0x94: 0xFB02, 0x95: 0x0141, 0x96: 0x0152, 0x97: 0x0160, 0x98: 0x0178, 0x99: 0x017D, 0x9A: 0x0131,
        0x9B: 0x0142, 0x9C: 0x0153, 0x9D: 0x0161, 0x9E: 0x017E, 0xA0: 0x20AC,
    ]
}
