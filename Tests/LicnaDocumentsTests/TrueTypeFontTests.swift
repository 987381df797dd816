import Foundation
import Testing

@testable import LicnaDocuments

@Suite struct TrueTypeFontTests {
    static let sample = "Ćirilica i latinica: čćšžđ ŠĐČĆŽ, Śćeta, źenica. Çertifikatë: Ëndërr, çelës. ѓќѕџљњ ђћ Ab"

    @Test(.requiresFont) func readsDejaVuSansMetricsAndNames() throws {
        let font = try WriterFixtures.font()
        #expect(font.postScriptName == "DejaVuSans")
        #expect(font.unitsPerEm == 2048)
        #expect(font.glyphCount > 5000)
        #expect(font.ascent > 0 && font.descent < 0)
        #expect(font.capHeight == 1493)  // DejaVu Sans has OS/2 version 1: the top of "H"
        #expect(font.italicAngle == 0)
        #expect(font.permitsEmbedding)
        #expect(font.boundingBox.minX < 0 && font.boundingBox.maxY > font.ascent / 2)
    }

    @Test(.requiresFont) func mapsLatinAndCyrillicToDistinctGlyphs() throws {
        let font = try WriterFixtures.font()
        for scalar in Self.sample.unicodeScalars {
            #expect(font.glyph(for: scalar) != nil, "no glyph for \(scalar)")
        }
        // Latin a and Cyrillic а look alike but are different characters with their own glyphs.
        #expect(font.glyph(for: "a") != font.glyph(for: "а"))
        #expect(font.glyph(for: "漢") == nil)  // DejaVu Sans has no CJK ideographs
        // Astral plane characters go through the format 12 subtable when there is one, else are absent.
        _ = font.glyph(for: "😀")
    }

    @Test(.requiresFont) func advanceWidthsFollowHmtx() throws {
        let font = try WriterFixtures.font()
        let space = try #require(font.glyph(for: " "))
        let m = try #require(font.glyph(for: "m"))
        let i = try #require(font.glyph(for: "i"))
        #expect(font.advanceWidth(of: space) == 651)  // DejaVu Sans: 651/2048
        #expect(font.advanceWidth(of: m) > font.advanceWidth(of: i))
        #expect(abs(font.advanceWidth(of: m, size: 2048) - Double(font.advanceWidth(of: m))) < 1e-9)
    }

    @Test(.requiresFont) func compositeGlyphsListTheirComponents() throws {
        let font = try WriterFixtures.font()
        // Accented capitals in DejaVu Sans are composites of the base letter and the accent.
        var found = false
        for scalar in "ČĆŠŽŚŹËÇѓќ".unicodeScalars {
            let glyph = try #require(font.glyph(for: scalar))
            let components = try font.glyphs.components(of: glyph)
            if !components.isEmpty { found = true }
            #expect(components.allSatisfy { Int($0) < font.glyphCount })
        }
        #expect(found)
    }

    @Test func aMissingFontFileSaysWhatToInstall() {
        let error = #expect(throws: FontError.self) { try TrueTypeFont.load(path: "/nonexistent/DejaVuSans.ttf") }
        #expect(error?.code == .notFound)
        #expect(error?.detail.contains("fonts-dejavu-core") == true)
    }

    @Test func rejectsFilesThatAreNotTrueType() {
        for bytes: [UInt8] in [[], [0, 1], Array("OTTO".utf8) + [0, 0], Array("ttcf".utf8) + [0, 0], [0x00, 0x01, 0x00, 0x00]] {
            #expect(throws: FontError.self) { try TrueTypeFont(bytes: bytes) }
        }
    }
}
