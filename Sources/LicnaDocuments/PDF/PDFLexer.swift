/// Splits untrusted bytes into PDF tokens (ISO 32000-1 §7.2): white space, comments, numbers, literal and
/// hexadecimal strings, names and keywords. Every read is bounds-checked; malformed input gives a `PDFError` with
/// the offset of the offending token.
struct PDFLexer {
    let bytes: [UInt8]
    /// The index one past the last byte this lexer may read.
    let end: Int
    var position: Int
    /// Where the token last returned by `next()` began.
    private(set) var tokenStart: Int = 0
    /// The longest keyword or name accepted; PDF's own limit for names is 127 bytes (Annex C).
    static let maximumWordLength = 4_096

    init(bytes: [UInt8], position: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.end = min(end ?? bytes.count, bytes.count)
        self.position = max(0, min(position, self.end))
    }

    // MARK: Character classes (§7.2.2, Tables 1 and 2)

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0C || byte == 0x00
    }

    static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "/"), UInt8(ascii: "%"):
            return true
        default: return false
        }
    }

    static func isRegular(_ byte: UInt8) -> Bool { !isWhitespace(byte) && !isDelimiter(byte) }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: Scanning

    /// Skips white space and comments.
    mutating func skipWhitespace() {
        while position < end {
            let byte = bytes[position]
            if Self.isWhitespace(byte) {
                position += 1
            } else if byte == UInt8(ascii: "%") {
                while position < end, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
            } else {
                return
            }
        }
    }

    /// The next token without consuming it.
    mutating func peek() throws -> PDFToken? {
        let saved = position
        defer { position = saved }
        return try next()
    }

    /// The next token, or nil at the end of the input.
    mutating func next() throws -> PDFToken? {
        skipWhitespace()
        guard position < end else { return nil }
        tokenStart = position
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "["):
            position += 1
            return .arrayStart
        case UInt8(ascii: "]"):
            position += 1
            return .arrayEnd
        case UInt8(ascii: "<"):
            if position + 1 < end, bytes[position + 1] == UInt8(ascii: "<") {
                position += 2
                return .dictionaryStart
            }
            return .string(try hexString())
        case UInt8(ascii: ">"):
            guard position + 1 < end, bytes[position + 1] == UInt8(ascii: ">") else {
                throw PDFError(.syntax, "a lone '>'", at: position)
            }
            position += 2
            return .dictionaryEnd
        case UInt8(ascii: "("): return .string(try literalString())
        case UInt8(ascii: "/"): return .name(try name())
        case UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "}"):
            throw PDFError(.syntax, "unexpected '\(Character(Unicode.Scalar(byte)))'", at: position)
        default: return try word()
        }
    }

    /// A number or keyword: a run of regular characters (§7.3.3).
    private mutating func word() throws -> PDFToken {
        let start = position
        while position < end, Self.isRegular(bytes[position]) {
            position += 1
            guard position - start <= Self.maximumWordLength else {
                throw PDFError(.limitExceeded, "a token longer than \(Self.maximumWordLength) bytes", at: start)
            }
        }
        let run = bytes[start..<position]
        if let number = Self.number(run) { return number }
        return .keyword(String(decoding: run, as: UTF8.self))
    }

    /// Parses `[+-]?digits[.digits]` or `[+-]?.digits` (§7.3.3); nil when the run is not a number.
    static func number(_ run: ArraySlice<UInt8>) -> PDFToken? {
        var index = run.startIndex
        var negative = false
        if index < run.endIndex, run[index] == UInt8(ascii: "+") || run[index] == UInt8(ascii: "-") {
            negative = run[index] == UInt8(ascii: "-")
            index += 1
        }
        var integerPart: Int = 0
        var wholePart: Double = 0
        var digits = 0
        var overflow = false
        var sawDot = false
        var fraction: Double = 0
        var scale: Double = 1
        while index < run.endIndex {
            let byte = run[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                let digit = Int(byte - UInt8(ascii: "0"))
                if sawDot {
                    scale /= 10
                    fraction += Double(digit) * scale
                } else {
                    let (times, o1) = integerPart.multipliedReportingOverflow(by: 10)
                    let (plus, o2) = times.addingReportingOverflow(digit)
                    overflow = overflow || o1 || o2
                    integerPart = plus
                    wholePart = wholePart * 10 + Double(digit)
                }
                digits += 1
            } else if byte == UInt8(ascii: "."), !sawDot {
                sawDot = true
            } else {
                return nil
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        if !sawDot && !overflow { return .integer(negative ? -integerPart : integerPart) }
        let magnitude = wholePart + fraction
        guard magnitude.isFinite else { return nil }
        return .real(negative ? -magnitude : magnitude)
    }

    /// A literal string `( … )` with balanced parentheses and escapes (§7.3.4.2).
    private mutating func literalString() throws -> PDFString {
        let start = position
        position += 1
        var output: [UInt8] = []
        var depth = 1
        while position < end {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "("):
                depth += 1
                output.append(byte)
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return PDFString(bytes: output) }
                output.append(byte)
            case UInt8(ascii: "\\"):
                guard position < end else { break }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case 0x0D:
                    if position < end, bytes[position] == 0x0A { position += 1 }
                case 0x0A: break
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(escaped - UInt8(ascii: "0"))
                    for _ in 0..<2 {
                        guard position < end, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "7")
                        else { break }
                        value = value * 8 + Int(bytes[position] - UInt8(ascii: "0"))
                        position += 1
                    }
                    output.append(UInt8(truncatingIfNeeded: value))
                default: output.append(escaped)
                }
            case 0x0D:
                // An end-of-line in a string reads as a single line feed (§7.3.4.2).
                if position < end, bytes[position] == 0x0A { position += 1 }
                output.append(0x0A)
            default: output.append(byte)
            }
        }
        throw PDFError(.truncated, "a literal string is not closed", at: start)
    }

    /// A hexadecimal string `< … >` (§7.3.4.3); white space is ignored and an odd final digit is followed by 0.
    private mutating func hexString() throws -> PDFString {
        let start = position
        position += 1
        var output: [UInt8] = []
        var high: UInt8?
        while position < end {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: ">") {
                if let pending = high { output.append(pending << 4) }
                return PDFString(bytes: output, prefersHexadecimal: true)
            }
            if Self.isWhitespace(byte) { continue }
            guard let nibble = Self.hexValue(byte) else {
                throw PDFError(.syntax, "a hexadecimal string holds a non-hex byte", at: position - 1)
            }
            if let pending = high {
                output.append(pending << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        throw PDFError(.truncated, "a hexadecimal string is not closed", at: start)
    }

    /// A name `/…` with `#xx` escapes decoded (§7.3.5); read as UTF-8, or byte for byte when not valid UTF-8.
    private mutating func name() throws -> String {
        let start = position
        position += 1
        var output: [UInt8] = []
        while position < end, Self.isRegular(bytes[position]) {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "#"), position + 1 < end,
                let high = Self.hexValue(bytes[position]), let low = Self.hexValue(bytes[position + 1])
            {
                output.append(high << 4 | low)
                position += 2
            } else {
                output.append(byte)
            }
            guard output.count <= Self.maximumWordLength else {
                throw PDFError(.limitExceeded, "a name longer than \(Self.maximumWordLength) bytes", at: start)
            }
        }
        let text = String(decoding: output, as: UTF8.self)
        if text.utf8.elementsEqual(output) { return text }
        return String(String.UnicodeScalarView(output.map { Unicode.Scalar($0) }))
    }
}
