/// Rebuilds cross-reference information when a file's own is missing or damaged, as other readers do: every
/// `N G obj` header in the file (the last definition of a number wins, as in an incremental update) and every
/// `trailer` dictionary. ISO 32000-1 does not define recovery; this is the customary, cheap kind.
struct PDFRecoveryScanner {
    let bytes: [UInt8]
    let options: PDFFile.Options

    struct Result {
        /// The offset of the last `N G obj` header of each object number.
        var offsets: [Int: (offset: Int, generation: Int)] = [:]
        /// The `trailer` dictionaries in file order.
        var trailers: [PDFDictionary] = []
    }

    func scan() -> Result {
        var result = Result()
        let obj = Array("obj".utf8)
        let trailer = Array("trailer".utf8)
        var index = 1
        let count = bytes.count
        while index + 3 <= count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "o"), PDFParser.matches(obj, in: bytes, at: index, end: count),
                index + 3 == count || !PDFLexer.isRegular(bytes[index + 3]),
                let header = header(endingBefore: index), header.number <= options.maximumObjectNumber
            {
                result.offsets[header.number] = (header.offset, header.generation)
                index += 3
                continue
            }
            if byte == UInt8(ascii: "t"), PDFParser.matches(trailer, in: bytes, at: index, end: count),
                !PDFLexer.isRegular(bytes[index - 1])
            {
                var parser = PDFParser(bytes: bytes, position: index + trailer.count, maximumDepth: options.maximumNestingDepth)
                if case .dictionary(let dictionary)? = try? parser.parseObject() { result.trailers.append(dictionary) }
            }
            index += 1
        }
        return result
    }

    /// Walks back from `obj` over `N G ` and returns where `N` starts.
    private func header(endingBefore objIndex: Int) -> (number: Int, generation: Int, offset: Int)? {
        var index = objIndex - 1
        guard index >= 0, PDFLexer.isWhitespace(bytes[index]) else { return nil }
        while index >= 0, PDFLexer.isWhitespace(bytes[index]) { index -= 1 }
        guard let generation = digits(endingAt: &index), index >= 0, PDFLexer.isWhitespace(bytes[index]) else { return nil }
        while index >= 0, PDFLexer.isWhitespace(bytes[index]) { index -= 1 }
        guard let number = digits(endingAt: &index) else { return nil }
        guard index < 0 || !PDFLexer.isRegular(bytes[index]) else { return nil }
        return (number, generation, index + 1)
    }

    /// The decimal number whose last digit is at `index`; leaves `index` before its first digit.
    private func digits(endingAt index: inout Int) -> Int? {
        let last = index
        while index >= 0, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9"), last - index < 10 {
            index -= 1
        }
        guard index < last else { return nil }
        var value = 0
        for position in (index + 1)...last { value = value * 10 + Int(bytes[position] - UInt8(ascii: "0")) }
        return value
    }
}
