/// The decoded contents of an object stream (ISO 32000-1 §7.5.7): /N pairs `number offset` in a header, then the
/// objects themselves from /First on.
struct PDFObjectStream {
    let number: Int
    let data: [UInt8]
    let first: Int
    /// The object numbers and their offsets relative to `first`, in header order.
    let directory: [(number: Int, offset: Int)]
    let maximumNestingDepth: Int

    init(number: Int, stream: PDFStream, data: [UInt8], options: PDFFile.Options) throws {
        guard let count = stream.dictionary["N"]?.integerValue, count >= 0, count <= data.count,
            let first = stream.dictionary["First"]?.integerValue, first >= 0, first <= data.count
        else { throw PDFError(.invalidStructure, "object stream \(number) has a bad /N or /First") }
        var lexer = PDFLexer(bytes: data, position: 0, end: first)
        var directory: [(number: Int, offset: Int)] = []
        for _ in 0..<count {
            guard case .integer(let objectNumber)? = try lexer.next(), case .integer(let offset)? = try lexer.next(),
                objectNumber > 0, offset >= 0, offset <= data.count - first
            else { throw PDFError(.invalidStructure, "object stream \(number) has a bad header", at: lexer.tokenStart) }
            directory.append((objectNumber, offset))
        }
        self.number = number
        self.data = data
        self.first = first
        self.directory = directory
        maximumNestingDepth = options.maximumNestingDepth
    }

    /// The object `objectNumber`, expected at `index`; when the index is wrong the header is searched by number.
    func object(_ objectNumber: Int, index: Int) throws -> PDFObject {
        var slot = index
        if !(directory.indices.contains(index) && directory[index].number == objectNumber) {
            guard let found = directory.firstIndex(where: { $0.number == objectNumber }) else {
                throw PDFError(.objectNotFound, "object \(objectNumber) is not in object stream \(number)")
            }
            slot = found
        }
        let start = first + directory[slot].offset
        let end = slot + 1 < directory.count ? max(start, first + directory[slot + 1].offset) : data.count
        var parser = PDFParser(bytes: data, position: start, end: end, maximumDepth: maximumNestingDepth)
        do {
            return try parser.parseObject()
        } catch let error as PDFError {
            throw PDFError(error.code, "in object stream \(number), object \(objectNumber): \(error.detail)")
        }
    }
}
