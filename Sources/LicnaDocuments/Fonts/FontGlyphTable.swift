/// The outlines of a TrueType font: the `loca` index into the `glyf` table (TrueType reference, "'loca' table" and
/// "'glyf' table"; ISO/IEC 14496-22 §5.3.3–5.3.4).
///
/// Only what the subsetter needs is read: each glyph's bytes, and the components a composite glyph refers to.
struct FontGlyphTable: Sendable {
    private let font: FontBytes
    private let glyf: FontTableDirectory.Record
    /// Offsets of glyphs 0…n inside `glyf` (n + 1 entries), checked to be ascending and inside the table.
    let offsets: [Int]

    init(
        _ font: FontBytes, loca: FontTableDirectory.Record, glyf: FontTableDirectory.Record, glyphCount: Int,
        longOffsets: Bool
    ) throws {
        self.font = font
        self.glyf = glyf
        let entrySize = longOffsets ? 4 : 2
        try font.check(loca.offset, (glyphCount + 1) * entrySize, "loca table for \(glyphCount) glyphs")
        guard loca.length >= (glyphCount + 1) * entrySize else {
            throw FontError(.malformed, "the loca table is shorter than maxp's \(glyphCount) glyphs need")
        }
        var offsets: [Int] = []
        offsets.reserveCapacity(glyphCount + 1)
        for index in 0...glyphCount {
            let offset = longOffsets
                ? Int(try font.uint32(loca.offset + index * 4))
                : Int(try font.uint16(loca.offset + index * 2)) * 2
            guard offset <= glyf.length, offset >= (offsets.last ?? 0) else {
                throw FontError(.malformed, "loca entry \(index) (\(offset)) is out of order or past the glyf table")
            }
            offsets.append(offset)
        }
        self.offsets = offsets
    }

    var glyphCount: Int { offsets.count - 1 }

    /// The bytes of one glyph's description (empty for a glyph without outline, such as the space).
    func data(of glyph: UInt16) throws -> ArraySlice<UInt8> {
        let index = Int(glyph)
        guard index < glyphCount else {
            throw FontError(.malformed, "glyph \(glyph) is past the font's \(glyphCount) glyphs")
        }
        return try font.slice(glyf.offset + offsets[index], offsets[index + 1] - offsets[index])
    }

    /// The glyphs a composite glyph is built from (direct components only); empty for a simple glyph.
    ///
    /// Component records (TrueType reference, "Compound glyphs"): flags, glyphIndex, then two arguments of one or
    /// two bytes each (ARG_1_AND_2_ARE_WORDS, 0x0001), then a scale (0x0008), an x and y scale (0x0040) or a 2×2
    /// matrix (0x0080); MORE_COMPONENTS (0x0020) says another record follows.
    func components(of glyph: UInt16) throws -> [UInt16] {
        let bytes = try data(of: glyph)
        guard bytes.count >= 10 else { return [] }
        let description = FontBytes(Array(bytes))
        guard try description.int16(0) < 0 else { return [] }
        var components: [UInt16] = []
        var position = 10
        while true {
            let flags = try description.uint16(position)
            let component = try description.uint16(position + 2)
            guard Int(component) < glyphCount else {
                throw FontError(.malformed, "glyph \(glyph) refers to a component \(component) past the font's glyphs")
            }
            components.append(component)
            position += 4 + (flags & 0x0001 != 0 ? 4 : 2)
            if flags & 0x0008 != 0 {
                position += 2
            } else if flags & 0x0040 != 0 {
                position += 4
            } else if flags & 0x0080 != 0 {
                position += 8
            }
            guard flags & 0x0020 != 0 else { break }
            guard components.count < 1024 else {
                throw FontError(.malformed, "glyph \(glyph) has more than 1024 components")
            }
        }
        return components
    }

    /// `glyphs` with every component they need, transitively (composites may nest; cycles in a damaged font end).
    func closure(of glyphs: Set<UInt16>) throws -> Set<UInt16> {
        var result = glyphs
        var pending = Array(glyphs)
        while let glyph = pending.popLast() {
            for component in try components(of: glyph) where !result.contains(component) {
                result.insert(component)
                pending.append(component)
            }
        }
        return result
    }
}
