import Foundation

/// How the writer spells PDF objects (ISO 32000-1 §7.3): numbers, names, strings and dates.
enum PDFOutputSyntax {
    /// A real number with at most three decimals and no exponent (§7.3.3 forbids exponents).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        // PDF readers hold reals to about ±3.4e38 but integers to ±2^31 (Annex C); beyond 1e12 nothing meaningful is
        // drawn, and the conversion below would trap. Clamp instead of crashing on a hostile MediaBox.
        let value = min(max(value, -1e12), 1e12)
        let thousandths = Int((value * 1000).rounded())
        let sign = thousandths < 0 ? "-" : ""
        let magnitude = thousandths.magnitude
        let whole = magnitude / 1000
        var fraction = magnitude % 1000
        guard fraction != 0 else { return "\(sign)\(whole)" }
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let padded = String(repeating: "0", count: digits - String(fraction).count) + String(fraction)
        return "\(sign)\(whole).\(padded)"
    }

    /// A name object: `/` and the bytes of `name`, with `#xx` for delimiters, `#` and bytes outside `!`…`~`
    /// (§7.3.5).
    static func name(_ name: String) -> String {
        var out = "/"
        for byte in name.utf8 {
            let delimiter = "()<>[]{}/%#".utf8.contains(byte)
            if byte < 0x21 || byte > 0x7E || delimiter {
                out += "#" + hex([byte])
            } else {
                out.append(Character(Unicode.Scalar(byte)))
            }
        }
        return out
    }

    /// A text string (§7.9.2.2): a literal string when it is printable ASCII, else UTF-16BE with a byte order mark
    /// as a hexadecimal string.
    static func textString(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            var out = "("
            for character in text {
                switch character {
                case "(", ")", "\\": out += "\\" + String(character)
                default: out.append(character)
                }
            }
            return out + ")"
        }
        var bytes: [UInt8] = [0xFE, 0xFF]
        for unit in text.utf16 { bytes.appendUInt16(unit) }
        return "<" + hex(bytes) + ">"
    }

    /// A date string `D:YYYYMMDDHHmmSSZ` in UTC (§7.9.4).
    static func date(_ date: Date) -> String {
        "(" + PDFDate.format(date) + ")"
    }

    /// Upper-case hexadecimal digits of `bytes`.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        String(decoding: PDFSerializer.hexadecimal(bytes), as: UTF8.self)
    }
}
