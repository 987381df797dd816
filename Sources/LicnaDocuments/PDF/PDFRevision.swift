/// One revision of a file: the original document or an incremental update (ISO 32000-1 §7.5.6), which ends with
/// `startxref`, an offset and `%%EOF`.
public struct PDFRevision: Hashable, Sendable {
    /// 0 for the original document, then 1, 2 … for each update.
    public let index: Int
    /// The offset just past `%%EOF` and the end-of-line marker that follows it, where the next update begins.
    public let endOffset: Int
    /// The offset just past `%%EOF` itself (some writers sign up to here).
    public let markerEndOffset: Int

    /// Whether a signature whose /ByteRange ends at `offset` signed exactly this revision.
    public func ends(at offset: Int) -> Bool { offset == endOffset || offset == markerEndOffset }

    /// Every `%%EOF` marker that closes a `startxref` section, in file order.
    static func revisions(in bytes: [UInt8]) -> [PDFRevision] {
        let marker = Array("%%EOF".utf8)
        var result: [PDFRevision] = []
        var searchFrom = 0
        while let found = PDFParser.find(marker, in: bytes, from: searchFrom, to: bytes.count) {
            searchFrom = found + marker.count
            guard closesStartXRef(bytes, markerAt: found) else { continue }
            var end = found + marker.count
            if end < bytes.count, bytes[end] == 0x0D { end += 1 }
            if end < bytes.count, bytes[end] == 0x0A { end += 1 }
            result.append(PDFRevision(index: result.count, endOffset: end, markerEndOffset: found + marker.count))
        }
        return result
    }

    /// Whether `startxref`, white space and an offset come right before the marker.
    private static func closesStartXRef(_ bytes: [UInt8], markerAt index: Int) -> Bool {
        let keyword = Array("startxref".utf8)
        guard let position = PDFParser.findLast(keyword, in: bytes, from: max(0, index - 64), to: index) else {
            return false
        }
        var lexer = PDFLexer(bytes: bytes, position: position + keyword.count, end: index)
        // The first-page trailer of a linearized file (Annex F) ends with `startxref 0`: not a revision.
        guard case .integer(let offset)? = try? lexer.next(), offset > 0 else { return false }
        lexer.skipWhitespace()
        return lexer.position == index
    }
}
