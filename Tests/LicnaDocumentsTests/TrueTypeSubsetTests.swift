import Foundation
import Testing

@testable import LicnaDocuments

@Suite struct TrueTypeSubsetTests {
    @Test(.requiresFont) func subsetKeepsUsedGlyphsComponentsAndIds() throws {
        let font = try WriterFixtures.font()
        let used = Set(TrueTypeFontTests.sample.unicodeScalars.compactMap { font.glyph(for: $0) })
        let subset = try font.subset(keeping: used)
        #expect(subset.bytes.count < 80_000)  // uncompressed; empty glyphs still cost 8 bytes each in loca and hmtx
        #expect(subset.glyphs.isSuperset(of: used))
        #expect(subset.glyphs.contains(0))
        #expect(subset.fontName == "\(subset.tag)+DejaVuSans")
        #expect(subset.tag.count == 6 && subset.tag.allSatisfy { $0.isUppercase && $0.isASCII })

        // Read the subset back with the same bounds-checked readers.
        let file = FontBytes(subset.bytes)
        let directory = try FontTableDirectory(file)
        #expect(Set(directory.records.keys) == ["head", "hhea", "maxp", "hmtx", "loca", "glyf", "cvt ", "fpgm", "prep"])
        let glyphCount = Int(try file.uint16(try directory.required("maxp").offset + 4))
        #expect(glyphCount == Int(subset.glyphs.max() ?? 0) + 1)
        let table = try FontGlyphTable(
            file, loca: try directory.required("loca"), glyf: try directory.required("glyf"),
            glyphCount: glyphCount, longOffsets: true)
        for glyph in 0..<UInt16(glyphCount) {
            let data = try table.data(of: glyph)
            if subset.glyphs.contains(glyph) {
                let original = try font.glyphs.data(of: glyph)
                #expect(Array(data.prefix(original.count)) == Array(original), "glyph \(glyph) changed")
                #expect(try table.components(of: glyph).allSatisfy { subset.glyphs.contains($0) })
            } else {
                #expect(data.isEmpty, "unused glyph \(glyph) kept its outline")
            }
        }
    }

    @Test(.requiresFont) func subsetChecksumsAreConsistent() throws {
        let font = try WriterFixtures.font()
        let subset = try font.subset(keeping: [36, 37, 38])
        // The whole font sums to 0xB1B0AFBA once head.checkSumAdjustment is set (ISO/IEC 14496-22 §5.2.2).
        #expect(TrueTypeFont.checksum(subset.bytes[...]) == 0xB1B0_AFBA)
        let file = FontBytes(subset.bytes)
        let directory = try FontTableDirectory(file)
        for record in directory.records.values where record.tag != "head" {
            #expect(TrueTypeFont.checksum(try file.slice(record.offset, record.length)) == record.checksum, "\(record.tag)")
            #expect(record.offset % 4 == 0)
        }
    }

    @Test(.requiresFont) func sameGlyphsGiveTheSameTag() throws {
        let font = try WriterFixtures.font()
        #expect(try font.subset(keeping: [40, 41]).tag == font.subset(keeping: [41, 40]).tag)
        #expect(try font.subset(keeping: [40, 41]).tag != font.subset(keeping: [40, 42]).tag)
    }
}
