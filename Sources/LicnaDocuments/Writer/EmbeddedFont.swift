/// A TrueType font as the document uses it: turns text into glyph ids, measures it, remembers which glyphs show
/// which characters, and at the end writes the font as a composite font (ISO 32000-1 §9.7): a Type0 font with
/// `/Encoding /Identity-H` (two-byte codes equal to CIDs), a descendant `CIDFontType2` with `/CIDToGIDMap
/// /Identity` (CIDs equal to glyph ids of the subset, which keeps the original ids) and `/W` widths, a font
/// descriptor with the subset as `/FontFile2` (§9.9), and a `/ToUnicode` CMap (§9.10.3).
struct EmbeddedFont {
    let font: TrueTypeFont
    /// The name in the pages' `/Font` resources (`F1`, `F2`).
    let resourceName: String
    /// The characters each used glyph shows (the first text seen wins when two characters share a glyph).
    private(set) var textOfGlyph: [UInt16: String] = [:]

    init(font: TrueTypeFont, resourceName: String) {
        self.font = font
        self.resourceName = resourceName
    }

    /// The glyphs of `text`, one per Unicode scalar; throws when the font lacks one.
    mutating func glyphs(for text: String) throws -> [UInt16] {
        var glyphs: [UInt16] = []
        glyphs.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard let glyph = font.glyph(for: scalar) else {
                let code = String(scalar.value, radix: 16, uppercase: true)
                throw DocumentWriterError(
                    .missingGlyph,
                    "the font \(font.postScriptName) has no glyph for “\(scalar)” (U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code))")
            }
            if textOfGlyph[glyph] == nil { textOfGlyph[glyph] = String(scalar) }
            glyphs.append(glyph)
        }
        return glyphs
    }

    /// The width of `text` at `size` points, in points.
    mutating func width(of text: String, size: Double) throws -> Double {
        try glyphs(for: text).reduce(0.0) { $0 + font.advanceWidth(of: $1, size: size) }
    }

    /// Font units scaled to the 1000-unit glyph space of PDF font metrics (§9.2.4).
    private func scaled(_ value: Int) -> String {
        PDFOutputSyntax.number((Double(value) * 1000 / Double(font.unitsPerEm)).rounded())
    }

    /// Writes the Type0 font and what it refers to into `file`, as object `type0`.
    func write(into file: inout some PDFObjectSink, as type0: Int) throws {
        let subset = try font.subset(keeping: Set(textOfGlyph.keys))
        let cidFont = file.reserve()
        let descriptor = file.reserve()
        let fontFile = file.reserve()
        let toUnicode = file.reserve()
        let baseFont = PDFOutputSyntax.name(subset.fontName)

        file.set(
            type0,
            "<< /Type /Font /Subtype /Type0 /BaseFont \(baseFont) /Encoding /Identity-H"
                + " /DescendantFonts [\(cidFont) 0 R] /ToUnicode \(toUnicode) 0 R >>")
        file.set(
            cidFont,
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont \(baseFont)"
                + " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                + " /FontDescriptor \(descriptor) 0 R /CIDToGIDMap /Identity /W \(widths()) >>")
        let box = font.boundingBox
        // Flags: 4 (symbolic: glyphs outside the standard Latin set), plus 64 (italic) for slanted faces (§9.8.2).
        let flags = 4 + (font.italicAngle != 0 ? 64 : 0)
        file.set(
            descriptor,
            "<< /Type /FontDescriptor /FontName \(baseFont) /Flags \(flags)"
                + " /FontBBox [\(scaled(box.minX)) \(scaled(box.minY)) \(scaled(box.maxX)) \(scaled(box.maxY))]"
                + " /ItalicAngle \(PDFOutputSyntax.number(font.italicAngle)) /Ascent \(scaled(font.ascent))"
                + " /Descent \(scaled(font.descent)) /CapHeight \(scaled(font.capHeight)) /StemV 80"
                + " /FontFile2 \(fontFile) 0 R >>")
        // /Length1: the length of the font program before the filter (§9.9, Table 127).
        try file.setStream(fontFile, entries: "/Length1 \(subset.bytes.count)", data: subset.bytes)
        try file.setStream(toUnicode, entries: "", data: Array(ToUnicodeCMap.program(for: textOfGlyph).utf8))
    }

    /// The `/W` array (§9.7.4.3): runs of consecutive glyph ids as `first [w1 w2 …]`.
    private func widths() -> String {
        var out = "["
        var run: [UInt16] = []
        func flush() {
            guard let first = run.first else { return }
            out += "\(first) [" + run.map { scaled(font.advanceWidth(of: $0)) }.joined(separator: " ") + "] "
            run = []
        }
        for glyph in textOfGlyph.keys.sorted() {
            if let last = run.last, Int(glyph) != Int(last) + 1 { flush() }
            run.append(glyph)
        }
        flush()
        return out.trimmingSuffixSpace() + "]"
    }
}

private extension String {
    func trimmingSuffixSpace() -> String {
        hasSuffix(" ") ? String(dropLast()) : self
    }
}
