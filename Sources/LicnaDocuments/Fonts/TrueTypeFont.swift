import Foundation

/// A TrueType font read from its bytes: what a PDF writer needs to measure text, map characters to glyphs and
/// embed a subset (TrueType reference manual, Apple; ISO/IEC 14496-22 "Open Font Format", §5).
///
/// Tables read: the directory; `head` (units per em, bounding box, `indexToLocFormat`); `maxp` (glyph count);
/// `hhea` and `hmtx` (advance widths); `cmap` formats 4 and 12 (Unicode to glyph); `loca` and `glyf` (outlines,
/// composite components); `OS/2` and `post` (ascent, descent, cap height, italic angle); `name` (PostScript name).
/// Every read is bounds-checked: a damaged file throws ``FontError``, never traps.
public struct TrueTypeFont: Sendable {
    /// The font's bounding box over all glyphs, in font units (`head` xMin, yMin, xMax, yMax).
    public struct BoundingBox: Sendable, Hashable {
        public let minX: Int
        public let minY: Int
        public let maxX: Int
        public let maxY: Int
    }

    /// The whole font file.
    let file: FontBytes
    let directory: FontTableDirectory
    let characterMap: FontCharacterMap
    let glyphs: FontGlyphTable
    /// Advance width and left side bearing of every glyph, in font units.
    let horizontalMetrics: [(advance: UInt16, leftSideBearing: Int16)]
    /// `hhea.numberOfHMetrics`: glyphs past it share the last advance width.
    let longMetricCount: Int

    /// The PostScript name (`name` table, name ID 6), the base of the PDF font name.
    public let postScriptName: String
    /// Font units per em (`head.unitsPerEm`), 16 to 16384.
    public let unitsPerEm: Int
    /// The number of glyphs (`maxp.numGlyphs`).
    public let glyphCount: Int
    public let boundingBox: BoundingBox
    /// Typographic ascent above the baseline, in font units (`hhea.ascender`).
    public let ascent: Int
    /// Typographic descent, negative below the baseline, in font units (`hhea.descender`).
    public let descent: Int
    /// Line gap, in font units (`hhea.lineGap`).
    public let lineGap: Int
    /// Height of flat capital letters, in font units (`OS/2.sCapHeight` from version 2; else the top of the glyph
    /// for "H", else the ascent).
    public let capHeight: Int
    /// Italic angle in degrees counter-clockwise from vertical (`post.italicAngle`).
    public let italicAngle: Double
    /// Whether the font's `OS/2.fsType` allows embedding (not "restricted license", bit 1 alone).
    public let permitsEmbedding: Bool

    /// Reads a font from the bytes of a .ttf file.
    public init(bytes: [UInt8]) throws {
        let file = FontBytes(bytes)
        let directory = try FontTableDirectory(file)
        self.file = file
        self.directory = directory

        let head = try directory.required("head")
        let maxp = try directory.required("maxp")
        let hhea = try directory.required("hhea")
        // The subsetter rewrites fields in these tables: they must be at least as long as their fixed parts.
        guard head.length >= 54, maxp.length >= 6, hhea.length >= 36 else {
            throw FontError(.malformed, "the head, maxp or hhea table is shorter than its fixed fields")
        }
        guard try file.uint32(head.offset + 12) == 0x5F0F_3CF5 else {
            throw FontError(.malformed, "the head table has the wrong magic number")
        }
        unitsPerEm = Int(try file.uint16(head.offset + 18))
        guard (16...16384).contains(unitsPerEm) else {
            throw FontError(.malformed, "unitsPerEm \(unitsPerEm) is outside 16…16384")
        }
        boundingBox = BoundingBox(
            minX: Int(try file.int16(head.offset + 36)), minY: Int(try file.int16(head.offset + 38)),
            maxX: Int(try file.int16(head.offset + 40)), maxY: Int(try file.int16(head.offset + 42))
        )
        let indexToLocFormat = try file.int16(head.offset + 50)
        guard indexToLocFormat == 0 || indexToLocFormat == 1 else {
            throw FontError(.malformed, "head.indexToLocFormat is \(indexToLocFormat)")
        }

        glyphCount = Int(try file.uint16(maxp.offset + 4))
        guard glyphCount > 0 else { throw FontError(.malformed, "maxp says the font has no glyphs") }

        ascent = Int(try file.int16(hhea.offset + 4))
        descent = Int(try file.int16(hhea.offset + 6))
        lineGap = Int(try file.int16(hhea.offset + 8))
        longMetricCount = Int(try file.uint16(hhea.offset + 34))
        guard longMetricCount > 0, longMetricCount <= glyphCount else {
            throw FontError(.malformed, "hhea.numberOfHMetrics \(longMetricCount) is not within 1…\(glyphCount)")
        }
        let hmtx = try directory.required("hmtx")
        horizontalMetrics = try Self.readHorizontalMetrics(
            file, hmtx: hmtx, longMetricCount: longMetricCount, glyphCount: glyphCount)

        characterMap = try FontCharacterMap(file, table: try directory.required("cmap"), glyphCount: glyphCount)
        glyphs = try FontGlyphTable(
            file, loca: try directory.required("loca"), glyf: try directory.required("glyf"),
            glyphCount: glyphCount, longOffsets: indexToLocFormat == 1)

        var capHeight: Int?
        var permitsEmbedding = true
        if let os2 = directory.records["OS/2"], os2.length >= 10 {
            let fsType = try file.uint16(os2.offset + 8)
            // Bit 1 alone: restricted licence embedding (ISO/IEC 14496-22 §5.2.7.2 fsType).
            permitsEmbedding = fsType & 0x000F != 0x0002
            if try file.uint16(os2.offset) >= 2, os2.length >= 90 {
                capHeight = Int(try file.int16(os2.offset + 88))
            }
        }
        if capHeight == nil, let h = characterMap.glyph(for: "H"), let outline = try? glyphs.data(of: h), outline.count >= 10 {
            // The glyph header's yMax (TrueType reference, "'glyf' table").
            capHeight = Int(try FontBytes(Array(outline)).int16(8))
        }
        self.capHeight = capHeight ?? ascent
        self.permitsEmbedding = permitsEmbedding
        if let post = directory.records["post"], post.length >= 8 {
            // Fixed 16.16.
            italicAngle = Double(Int32(bitPattern: try file.uint32(post.offset + 4))) / 65536
        } else {
            italicAngle = 0
        }
        postScriptName = try Self.readPostScriptName(file, directory: directory)
    }

    /// Reads a font from the bytes of a .ttf file.
    public init(data: Data) throws {
        try self.init(bytes: [UInt8](data))
    }

    /// The glyph that shows `scalar`, or nil when the font has none.
    public func glyph(for scalar: Unicode.Scalar) -> UInt16? {
        characterMap.glyph(for: scalar)
    }

    /// The advance width of `glyph` in font units (`hmtx`; glyphs past `numberOfHMetrics` take the last width).
    public func advanceWidth(of glyph: UInt16) -> Int {
        let index = min(Int(glyph), horizontalMetrics.count - 1)
        return Int(horizontalMetrics[index].advance)
    }

    /// The advance width of `glyph` for text of `size` points, in points.
    public func advanceWidth(of glyph: UInt16, size: Double) -> Double {
        Double(advanceWidth(of: glyph)) * size / Double(unitsPerEm)
    }

    private static func readHorizontalMetrics(
        _ file: FontBytes, hmtx: FontTableDirectory.Record, longMetricCount: Int, glyphCount: Int
    ) throws -> [(advance: UInt16, leftSideBearing: Int16)] {
        let needed = longMetricCount * 4 + (glyphCount - longMetricCount) * 2
        guard hmtx.length >= needed else {
            throw FontError(.malformed, "the hmtx table has \(hmtx.length) bytes, \(needed) are needed")
        }
        var metrics: [(advance: UInt16, leftSideBearing: Int16)] = []
        metrics.reserveCapacity(glyphCount)
        for index in 0..<longMetricCount {
            let record = hmtx.offset + index * 4
            metrics.append((try file.uint16(record), try file.int16(record + 2)))
        }
        let lastAdvance = metrics[longMetricCount - 1].advance
        for index in 0..<(glyphCount - longMetricCount) {
            metrics.append((lastAdvance, try file.int16(hmtx.offset + longMetricCount * 4 + index * 2)))
        }
        return metrics
    }

    /// Name ID 6 from the `name` table (ISO/IEC 14496-22 §5.2.4): UTF-16BE on platforms 0 and 3, single bytes on
    /// platform 1. Only the characters PDF names allow in a font name are kept (printable ASCII without delimiters).
    private static func readPostScriptName(_ file: FontBytes, directory: FontTableDirectory) throws -> String {
        let name = try directory.required("name")
        let count = Int(try file.uint16(name.offset + 2))
        let storage = name.offset + Int(try file.uint16(name.offset + 4))
        var candidates: [(platform: UInt16, text: String)] = []
        for index in 0..<count {
            let record = name.offset + 6 + index * 12
            guard try file.uint16(record + 6) == 6 else { continue }
            let platform = try file.uint16(record)
            let bytes = try file.slice(storage + Int(try file.uint16(record + 10)), Int(try file.uint16(record + 8)))
            let text: String
            if platform == 1 {
                text = String(decoding: bytes, as: UTF8.self)
            } else {
                let units = stride(from: bytes.startIndex, to: bytes.endIndex - 1, by: 2).map {
                    UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1])
                }
                text = String(decoding: units, as: UTF16.self)
            }
            candidates.append((platform, text))
        }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+")
        let cleaned = candidates.sorted { $0.platform > $1.platform }
            .map { String($0.text.filter { allowed.contains($0) }.prefix(63)) }
            .first { !$0.isEmpty }
        guard let cleaned else {
            throw FontError(.malformed, "the name table has no PostScript name (name ID 6)")
        }
        return cleaned
    }
}
