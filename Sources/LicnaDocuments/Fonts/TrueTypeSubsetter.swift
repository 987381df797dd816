import Crypto

/// A subset of a TrueType font holding only the glyphs a document uses, ready to embed as a PDF `/FontFile2`
/// (ISO 32000-1 §9.9 "Embedded font programs", §9.6.4 "Font subsets").
///
/// Glyph ids are kept: glyphs the document does not use stay in `loca` with zero length, so the subset needs no
/// `/CIDToGIDMap` other than `/Identity` and the content streams can use the original glyph ids. The glyph count is
/// cut after the highest glyph used. Tables written: `head` (new checksum adjustment, long `loca` offsets), `hhea`
/// (`numberOfHMetrics`), `maxp` (`numGlyphs`), `hmtx`, `loca`, `glyf`, and the hinting tables `cvt `, `fpgm`,
/// `prep` when the font has them (glyph instructions call into them). `cmap`, `name`, `post`, `OS/2` and the rest are
/// dropped: a CIDFontType2 with Identity-H reaches glyphs by id, not through the font's `cmap` (§9.7.4.2).
public struct TrueTypeSubset: Sendable {
    /// The subset font file.
    public let bytes: [UInt8]
    /// The glyphs with outlines in the subset: those asked for, .notdef, and composite components.
    public let glyphs: Set<UInt16>
    /// Six upper-case letters derived from the glyph set, as §9.6.4 asks for subset names.
    public let tag: String
    /// `TAG+PostScriptName`, the `/BaseFont` and `/FontName` of the embedded font.
    public let fontName: String
}

extension TrueTypeFont {
    /// Tables copied unchanged into a subset when present.
    private static let hintingTables = ["cvt ", "fpgm", "prep"]

    /// A subset holding `used` (plus .notdef and every composite component they need).
    public func subset(keeping used: Set<UInt16>) throws -> TrueTypeSubset {
        var wanted = used.filter { Int($0) < glyphCount }
        wanted.insert(0)
        let kept = try glyphs.closure(of: wanted)
        let newCount = Int(kept.max() ?? 0) + 1
        let newLongMetricCount = min(longMetricCount, newCount)

        var glyf: [UInt8] = []
        var loca: [UInt8] = []
        for glyph in 0..<newCount {
            loca.appendUInt32(UInt32(glyf.count))
            guard kept.contains(UInt16(glyph)) else { continue }
            glyf.append(contentsOf: try glyphs.data(of: UInt16(glyph)))
            while glyf.count % 4 != 0 { glyf.append(0) }
        }
        loca.appendUInt32(UInt32(glyf.count))

        var hmtx: [UInt8] = []
        for glyph in 0..<newCount {
            let metric = horizontalMetrics[glyph]
            if glyph < newLongMetricCount { hmtx.appendUInt16(metric.advance) }
            hmtx.appendUInt16(UInt16(bitPattern: metric.leftSideBearing))
        }

        var head = Array(try table("head"))
        head.setUInt32(0, at: 8)  // checkSumAdjustment, set below
        head.setUInt16(1, at: 50)  // indexToLocFormat: long offsets
        var hhea = Array(try table("hhea"))
        hhea.setUInt16(UInt16(newLongMetricCount), at: 34)
        var maxp = Array(try table("maxp"))
        maxp.setUInt16(UInt16(newCount), at: 4)

        var tables: [String: [UInt8]] = ["head": head, "hhea": hhea, "maxp": maxp, "hmtx": hmtx, "loca": loca, "glyf": glyf]
        for tag in Self.hintingTables where directory.records[tag] != nil {
            tables[tag] = Array(try table(tag))
        }
        var bytes = Self.assemble(tables)
        // head.checkSumAdjustment = 0xB1B0AFBA − checksum of the whole font (ISO/IEC 14496-22 §5.2.2).
        let adjustment = 0xB1B0_AFBA &- Self.checksum(bytes[...])
        if let headOffset = Self.offset(of: "head", in: bytes) {
            bytes.setUInt32(adjustment, at: headOffset + 8)
        }
        let tag = Self.subsetTag(for: kept)
        return TrueTypeSubset(bytes: bytes, glyphs: kept, tag: tag, fontName: "\(tag)+\(postScriptName)")
    }

    /// The bytes of a table of this font.
    func table(_ tag: String) throws -> ArraySlice<UInt8> {
        let record = try directory.required(tag)
        return try file.slice(record.offset, record.length)
    }

    /// Writes the offset table, the table records (sorted by tag) and the tables, each padded to 4 bytes
    /// (ISO/IEC 14496-22 §5.1.2).
    private static func assemble(_ tables: [String: [UInt8]]) -> [UInt8] {
        let tags = tables.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var power = 1
        var log = 0
        while power * 2 <= tags.count {
            power *= 2
            log += 1
        }
        var out: [UInt8] = []
        out.appendUInt32(0x0001_0000)
        out.appendUInt16(UInt16(tags.count))
        out.appendUInt16(UInt16(power * 16))
        out.appendUInt16(UInt16(log))
        out.appendUInt16(UInt16(tags.count * 16 - power * 16))
        var offset = 12 + tags.count * 16
        var body: [UInt8] = []
        for tag in tags {
            let data = tables[tag] ?? []
            out.append(contentsOf: Array(tag.utf8))
            out.appendUInt32(checksum(data[...]))
            out.appendUInt32(UInt32(offset))
            out.appendUInt32(UInt32(data.count))
            body.append(contentsOf: data)
            while body.count % 4 != 0 { body.append(0) }
            offset = 12 + tags.count * 16 + body.count
        }
        return out + body
    }

    /// The sum of the big-endian 32-bit words of `data`, zero-padded (ISO/IEC 14496-22 §5.1.2 CalcTableChecksum).
    static func checksum(_ data: ArraySlice<UInt8>) -> UInt32 {
        var sum: UInt32 = 0
        var index = data.startIndex
        while index < data.endIndex {
            var word: UInt32 = 0
            for byte in 0..<4 {
                word <<= 8
                if index + byte < data.endIndex { word |= UInt32(data[index + byte]) }
            }
            sum &+= word
            index += 4
        }
        return sum
    }

    private static func offset(of tag: String, in font: [UInt8]) -> Int? {
        let reader = FontBytes(font)
        guard let count = try? reader.uint16(4) else { return nil }
        for index in 0..<Int(count) {
            let record = 12 + index * 16
            if let bytes = try? reader.slice(record, 4), Array(bytes) == Array(tag.utf8) {
                return (try? reader.uint32(record + 8)).map { Int($0) }
            }
        }
        return nil
    }

    /// Six letters A–Z from a hash of the glyph set: the same subset always gets the same tag.
    private static func subsetTag(for glyphs: Set<UInt16>) -> String {
        var bytes: [UInt8] = []
        for glyph in glyphs.sorted() { bytes.appendUInt16(glyph) }
        let digest = Array(SHA256.hash(data: bytes))
        return String(String.UnicodeScalarView(digest.prefix(6).map { Unicode.Scalar(65 + $0 % 26) }))
    }
}
