/// Reads the cross-reference sections of a file (ISO 32000-1 §7.5.6; `PDFFile` follows /Prev from `startxref`):
/// classic tables (§7.5.4) with their trailers (§7.5.5), cross-reference streams (§7.5.8) and hybrid files whose
/// table trailer points at a stream with /XRefStm (§7.5.8.4).
struct PDFCrossReferenceReader {
    let bytes: [UInt8]
    let options: PDFFile.Options

    /// The offset after the last `startxref` keyword (§7.5.5).
    func startXRefOffset() throws -> Int {
        let keyword = Array("startxref".utf8)
        guard let index = PDFParser.findLast(keyword, in: bytes, from: 0, to: bytes.count) else {
            throw PDFError(.invalidCrossReference, "no 'startxref' near the end of the file")
        }
        var lexer = PDFLexer(bytes: bytes, position: index + keyword.count)
        guard case .integer(let offset)? = try? lexer.next(), offset >= 0, offset < bytes.count else {
            throw PDFError(.invalidCrossReference, "'startxref' is not followed by an offset in the file", at: index)
        }
        return offset
    }

    func readSection(at offset: Int) throws -> PDFCrossReferenceSection {
        var lexer = PDFLexer(bytes: bytes, position: offset)
        lexer.skipWhitespace()
        if PDFParser.matches(Array("xref".utf8), in: bytes, at: lexer.position, end: bytes.count) {
            return try readTable(at: lexer.position)
        }
        return try readStream(at: offset)
    }

    /// A classic table: subsections `start count` of 20-byte entries `offset generation n|f`, then `trailer`.
    private func readTable(at offset: Int) throws -> PDFCrossReferenceSection {
        var parser = PDFParser(bytes: bytes, position: offset + 4, maximumDepth: options.maximumNestingDepth)
        var entries: [Int: PDFCrossReferenceEntry] = [:]
        while true {
            let tokenOffset = parser.lexer.position
            guard let token = try parser.lexer.next() else {
                throw PDFError(.truncated, "a cross-reference table has no trailer", at: offset)
            }
            if token == .keyword("trailer") { break }
            guard case .integer(let first) = token, case .integer(let count)? = try parser.lexer.next(),
                first >= 0, count >= 0, first <= options.maximumObjectNumber,
                count <= options.maximumObjectNumber - first + 1
            else { throw PDFError(.invalidCrossReference, "a bad subsection header", at: tokenOffset) }
            for number in first..<(first + count) {
                let entryOffset = parser.lexer.position
                guard case .integer(let field1)? = try parser.lexer.next(),
                    case .integer(let generation)? = try parser.lexer.next(),
                    case .keyword(let kind)? = try parser.lexer.next(), kind == "n" || kind == "f"
                else { throw PDFError(.invalidCrossReference, "a bad cross-reference entry", at: entryOffset) }
                guard entries[number] == nil else { continue }
                if kind == "n", field1 > 0, field1 < bytes.count {
                    entries[number] = .inFile(offset: field1, generation: generation)
                } else {
                    entries[number] = .free
                }
            }
        }
        guard case .dictionary(let trailer) = try parser.parseObject() else {
            throw PDFError(.invalidCrossReference, "'trailer' is not followed by a dictionary", at: parser.position)
        }
        // Hybrid-reference file (§7.5.8.4): the stream's entries fill what the table leaves free or absent.
        if let streamOffset = trailer["XRefStm"]?.integerValue, streamOffset >= 0, streamOffset < bytes.count,
            let hidden = try? readStream(at: streamOffset)
        {
            for (number, entry) in hidden.entries where entries[number] == nil || entries[number] == .free {
                entries[number] = entry
            }
        }
        return PDFCrossReferenceSection(offset: offset, isStream: false, trailer: trailer, entries: entries)
    }

    /// A cross-reference stream (§7.5.8): rows of /W field widths for the subsections of /Index.
    private func readStream(at offset: Int) throws -> PDFCrossReferenceSection {
        var parser = PDFParser(bytes: bytes, position: offset, maximumDepth: options.maximumNestingDepth)
        let parsed: (reference: PDFReference, object: PDFObject, end: Int)
        do {
            parsed = try parser.parseIndirectObject()
        } catch let error as PDFError {
            throw PDFError(.invalidCrossReference, "no cross-reference table or stream: \(error.detail)", at: offset)
        }
        guard case .stream(let stream) = parsed.object, stream.dictionary.name("Type") == "XRef" || stream.dictionary["W"] != nil
        else { throw PDFError(.invalidCrossReference, "the object at 'startxref' is not a cross-reference stream", at: offset) }
        let dictionary = stream.dictionary
        guard let widths = dictionary["W"]?.arrayValue?.compactMap(\.integerValue), widths.count == 3,
            widths.allSatisfy({ (0...8).contains($0) }), widths[1] > 0
        else { throw PDFError(.invalidCrossReference, "a cross-reference stream has a bad /W", at: offset) }
        guard let size = dictionary["Size"]?.integerValue, size >= 0, size <= options.maximumObjectNumber + 1 else {
            throw PDFError(.invalidCrossReference, "a cross-reference stream has a bad /Size", at: offset)
        }
        let index = dictionary["Index"]?.arrayValue?.compactMap(\.integerValue) ?? [0, size]
        guard index.count % 2 == 0 else {
            throw PDFError(.invalidCrossReference, "a cross-reference stream has a bad /Index", at: offset)
        }
        let data = try stream.decodedData(options: options)
        let rowWidth = widths[0] + widths[1] + widths[2]
        var entries: [Int: PDFCrossReferenceEntry] = [:]
        var row = 0
        for pair in stride(from: 0, to: index.count, by: 2) {
            let first = index[pair]
            let count = index[pair + 1]
            guard first >= 0, count >= 0, first <= options.maximumObjectNumber,
                count <= options.maximumObjectNumber - first + 1
            else { throw PDFError(.invalidCrossReference, "a cross-reference stream has a bad /Index", at: offset) }
            for number in first..<(first + count) {
                let start = row * rowWidth
                guard start + rowWidth <= data.count else { break }
                row += 1
                let type = widths[0] == 0 ? 1 : Self.field(data, start, widths[0])
                let field2 = Self.field(data, start + widths[0], widths[1])
                let field3 = Self.field(data, start + widths[0] + widths[1], widths[2])
                guard entries[number] == nil else { continue }
                switch type {
                case 0: entries[number] = .free
                case 1 where field2 >= 0 && field2 < bytes.count:
                    entries[number] = .inFile(offset: field2, generation: field3)
                case 2 where field2 > 0: entries[number] = .inObjectStream(streamNumber: field2, index: field3)
                default: continue  // Unknown types are references to the null object (§7.5.8.3).
                }
            }
        }
        return PDFCrossReferenceSection(offset: offset, isStream: true, trailer: dictionary, entries: entries)
    }

    /// A big-endian field of `width` bytes; widths are at most 8, so large values saturate instead of trapping.
    private static func field(_ data: [UInt8], _ start: Int, _ width: Int) -> Int {
        var value: UInt64 = 0
        for index in start..<(start + width) { value = value << 8 | UInt64(data[index]) }
        return value > UInt64(Int.max) ? Int.max : Int(value)
    }
}
