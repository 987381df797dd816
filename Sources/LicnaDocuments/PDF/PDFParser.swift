/// Parses PDF objects (ISO 32000-1 §7.3) and indirect objects (§7.3.10) from untrusted bytes.
///
/// Recursion is bounded by `maximumDepth`; every read is bounds-checked, so malformed input ends in a `PDFError`
/// with an offset, never in a crash.
struct PDFParser {
    var lexer: PDFLexer
    let maximumDepth: Int

    init(bytes: [UInt8], position: Int = 0, end: Int? = nil, maximumDepth: Int = 64) {
        lexer = PDFLexer(bytes: bytes, position: position, end: end)
        self.maximumDepth = maximumDepth
    }

    var position: Int { lexer.position }

    /// The next object; a truncated input is an error.
    mutating func parseObject() throws -> PDFObject {
        guard let token = try lexer.next() else {
            throw PDFError(.truncated, "the input ends where an object was expected", at: lexer.position)
        }
        return try parseObject(startingWith: token, depth: 0)
    }

    private mutating func parseObject(startingWith token: PDFToken, depth: Int) throws -> PDFObject {
        let start = lexer.tokenStart
        switch token {
        case .integer(let value):
            if let reference = try referenceAfter(value) { return .reference(reference) }
            return .integer(value)
        case .real(let value): return .real(value)
        case .string(let value): return .string(value)
        case .name(let value): return .name(value)
        case .arrayStart:
            guard depth < maximumDepth else {
                throw PDFError(.nestingTooDeep, "arrays and dictionaries nest deeper than \(maximumDepth)", at: start)
            }
            var items: [PDFObject] = []
            while true {
                guard let next = try lexer.next() else {
                    throw PDFError(.truncated, "an array is not closed", at: start)
                }
                if next == .arrayEnd { return .array(items) }
                items.append(try parseObject(startingWith: next, depth: depth + 1))
            }
        case .dictionaryStart:
            guard depth < maximumDepth else {
                throw PDFError(.nestingTooDeep, "arrays and dictionaries nest deeper than \(maximumDepth)", at: start)
            }
            var dictionary = PDFDictionary()
            while true {
                guard let next = try lexer.next() else {
                    throw PDFError(.truncated, "a dictionary is not closed", at: start)
                }
                if next == .dictionaryEnd { return .dictionary(dictionary) }
                guard case .name(let key) = next else {
                    throw PDFError(.syntax, "a dictionary key is not a name", at: lexer.tokenStart)
                }
                guard let valueToken = try lexer.next() else {
                    throw PDFError(.truncated, "a dictionary is not closed", at: start)
                }
                // A key directly followed by `>>` has no value: read it as null, as other readers do.
                if valueToken == .dictionaryEnd { return .dictionary(dictionary) }
                dictionary[key] = try parseObject(startingWith: valueToken, depth: depth + 1)
            }
        case .keyword("true"): return .boolean(true)
        case .keyword("false"): return .boolean(false)
        case .keyword("null"): return .null
        case .keyword(let word):
            throw PDFError(.syntax, "unexpected '\(word.prefix(40))' where an object was expected", at: start)
        case .arrayEnd, .dictionaryEnd:
            throw PDFError(.syntax, "an unmatched closing bracket", at: start)
        }
    }

    /// After an integer: `G R` makes it a reference (§7.3.10); otherwise the lexer is left where it was.
    private mutating func referenceAfter(_ objectNumber: Int) throws -> PDFReference? {
        let saved = lexer.position
        guard objectNumber > 0,
            case .integer(let generation)? = try? lexer.next(), (0...65_535).contains(generation),
            case .keyword("R")? = try? lexer.next()
        else {
            lexer.position = saved
            return nil
        }
        return PDFReference(objectNumber: objectNumber, generation: generation)
    }

    /// Reads `N G obj … endobj` (§7.3.10) with a stream's data (§7.3.8) when present.
    ///
    /// - Parameter streamLength: resolves an indirect /Length; when it gives nil, or the length does not land on
    ///   `endstream`, the data runs to the next `endstream` keyword.
    /// - Returns: the object's reference, the object, and the offset just past it.
    mutating func parseIndirectObject(
        streamLength: (PDFReference) throws -> Int? = { _ in nil }
    ) throws -> (reference: PDFReference, object: PDFObject, end: Int) {
        let start = lexer.position
        guard case .integer(let number)? = try lexer.next(), case .integer(let generation)? = try lexer.next(),
            case .keyword("obj")? = try lexer.next(), number >= 0, generation >= 0
        else { throw PDFError(.syntax, "no 'N G obj' header", at: start) }
        let reference = PDFReference(objectNumber: number, generation: generation)
        var object = try parseObject()
        let afterObject = lexer.position
        if case .dictionary(let dictionary) = object, case .keyword("stream")? = try? lexer.next() {
            let data = try streamData(dictionary: dictionary, streamLength: streamLength)
            object = .stream(PDFStream(dictionary: dictionary, encodedBytes: data))
        } else {
            lexer.position = afterObject
        }
        let beforeEnd = lexer.position
        if case .keyword("endobj")? = try? lexer.next() {
            return (reference, object, lexer.position)
        }
        // A missing `endobj` is common in damaged files and harmless: the object is complete.
        lexer.position = beforeEnd
        return (reference, object, beforeEnd)
    }

    private mutating func streamData(
        dictionary: PDFDictionary, streamLength: (PDFReference) throws -> Int?
    ) throws -> ArraySlice<UInt8> {
        let bytes = lexer.bytes
        let end = lexer.end
        var dataStart = lexer.position
        if dataStart < end, bytes[dataStart] == 0x0D { dataStart += 1 }
        if dataStart < end, bytes[dataStart] == 0x0A { dataStart += 1 }
        var declared: Int?
        switch dictionary["Length"] {
        case .integer(let value)?: declared = value
        case .reference(let reference)?: declared = try streamLength(reference)
        default: declared = nil
        }
        if let length = declared, length >= 0, length <= end - dataStart {
            var probe = PDFLexer(bytes: bytes, position: dataStart + length, end: end)
            probe.skipWhitespace()
            if Self.matches(Self.endstream, in: bytes, at: probe.position, end: end) {
                lexer.position = probe.position + Self.endstream.count
                return bytes[dataStart..<(dataStart + length)]
            }
        }
        guard let found = Self.find(Self.endstream, in: bytes, from: dataStart, to: end) else {
            throw PDFError(.truncated, "a stream has no 'endstream'", at: dataStart)
        }
        var dataEnd = found
        if dataEnd > dataStart, bytes[dataEnd - 1] == 0x0A { dataEnd -= 1 }
        if dataEnd > dataStart, bytes[dataEnd - 1] == 0x0D { dataEnd -= 1 }
        lexer.position = found + Self.endstream.count
        return bytes[dataStart..<dataEnd]
    }

    static let endstream = Array("endstream".utf8)

    static func matches(_ pattern: [UInt8], in bytes: [UInt8], at index: Int, end: Int) -> Bool {
        guard index >= 0, index + pattern.count <= end else { return false }
        for offset in 0..<pattern.count where bytes[index + offset] != pattern[offset] { return false }
        return true
    }

    /// The first index in `from..<to` where `pattern` starts.
    static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int, to: Int) -> Int? {
        guard let first = pattern.first, from >= 0 else { return nil }
        var index = from
        let last = min(to, bytes.count) - pattern.count
        while index <= last {
            if bytes[index] == first, matches(pattern, in: bytes, at: index, end: bytes.count) { return index }
            index += 1
        }
        return nil
    }

    /// The last index in `from..<to` where `pattern` starts.
    static func findLast(_ pattern: [UInt8], in bytes: [UInt8], from: Int, to: Int) -> Int? {
        guard let first = pattern.first else { return nil }
        var index = min(to, bytes.count) - pattern.count
        while index >= max(from, 0) {
            if bytes[index] == first, matches(pattern, in: bytes, at: index, end: bytes.count) { return index }
            index -= 1
        }
        return nil
    }
}
