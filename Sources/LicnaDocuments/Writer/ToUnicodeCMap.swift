/// The `/ToUnicode` CMap of an Identity-H font (ISO 32000-1 §9.10.3): maps each two-byte glyph code to the UTF-16BE
/// text it shows, so that viewers and `pdftotext` can copy the text out.
enum ToUnicodeCMap {
    /// The CMap program for `text` (glyph id → the characters it stands for), in `bfchar` blocks of at most 100
    /// entries as the CMap syntax (Adobe Technical Note #5014) allows.
    static func program(for text: [UInt16: String]) -> String {
        var out = """
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange

            """
        let entries = text.keys.sorted()
        var start = 0
        while start < entries.count {
            let chunk = entries[start..<min(start + 100, entries.count)]
            out += "\(chunk.count) beginbfchar\n"
            for glyph in chunk {
                var code: [UInt8] = []
                code.appendUInt16(glyph)
                var unicode: [UInt8] = []
                for unit in (text[glyph] ?? "").utf16 { unicode.appendUInt16(unit) }
                out += "<\(PDFOutputSyntax.hex(code))> <\(PDFOutputSyntax.hex(unicode))>\n"
            }
            out += "endbfchar\n"
            start += 100
        }
        out += """
            endcmap
            CMapName currentdict /CMap defineresource pop
            end
            end

            """
        return out
    }
}
