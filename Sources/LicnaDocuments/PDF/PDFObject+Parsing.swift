extension PDFObject {
    /// Parses one direct object from `bytes` (ISO 32000-1 §7.3), e.g. `<< /Type /Sig >>`; trailing bytes other than
    /// white space and comments are an error.
    public static func parse(_ bytes: [UInt8], maximumDepth: Int = PDFFile.Options().maximumNestingDepth) throws
        -> PDFObject
    {
        var parser = PDFParser(bytes: bytes, maximumDepth: maximumDepth)
        let object = try parser.parseObject()
        parser.lexer.skipWhitespace()
        guard parser.lexer.position == bytes.count else {
            throw PDFError(.syntax, "bytes after the object", at: parser.lexer.position)
        }
        return object
    }

    /// The object written as PDF syntax (`PDFSerializer.serialize`).
    public var serialized: [UInt8] { PDFSerializer.serialize(self) }
}
