import Foundation
import LicnaTestSupport
import Testing

@testable import LicnaDocuments

/// Generative tests: damaged fonts give a ``FontError`` or a usable font, never a crash or a hang.
@Suite struct FontMutationTests {
    @Test(.requiresFont, arguments: [UInt64(1), 2, 3, 4])
    func mutatedFontsFailCleanly(seed: UInt64) throws {
        let original = try WriterFixtures.fontBytes()
        let directory = try FontTableDirectory(FontBytes(original))
        let records = directory.records.values.sorted { $0.tag < $1.tag }
        var random = SeededRandom(seed: seed)
        var parsed = 0
        for _ in 0..<150 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                // Aim at the structures: the directory, the start of a table, or anywhere in a table.
                let record = records[Int.random(in: 0..<records.count, using: &random)]
                let offset: Int
                switch Int.random(in: 0..<3, using: &random) {
                case 0: offset = Int.random(in: 0..<(12 + records.count * 16), using: &random)
                case 1: offset = record.offset + Int.random(in: 0..<min(64, max(record.length, 1)), using: &random)
                default: offset = record.offset + Int.random(in: 0..<max(record.length, 1), using: &random)
                }
                guard offset < bytes.count else { continue }
                bytes[offset] = Int.random(in: 0..<4, using: &random) == 0 ? 0xFF : UInt8.random(in: 0...255, using: &random)
            }
            if Int.random(in: 0..<8, using: &random) == 0 {
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
            }
            do {
                let font = try TrueTypeFont(bytes: bytes)
                parsed += 1
                let glyphs = Set(TrueTypeFontTests.sample.unicodeScalars.compactMap { font.glyph(for: $0) })
                for glyph in glyphs { _ = font.advanceWidth(of: glyph, size: 11) }
                _ = try? font.subset(keeping: glyphs)
            } catch is FontError {
                // A clear error is the right answer.
            }
        }
        #expect(parsed > 0)  // some mutations land in glyph data and leave a readable font
    }

    @Test func compositeCyclesEnd() throws {
        // A hand-built glyf/loca pair: glyph 1 is a composite of glyph 2, glyph 2 a composite of glyph 1.
        func composite(of component: UInt16) -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.appendUInt16(0xFFFF)  // numberOfContours -1
            bytes += [UInt8](repeating: 0, count: 8)
            bytes.appendUInt16(0x0000)  // flags: byte arguments, no more components
            bytes.appendUInt16(component)
            bytes += [0, 0]
            return bytes
        }
        let glyf = composite(of: 2) + composite(of: 1)
        var loca: [UInt8] = []
        for offset in [0, 0, 16, 32] { loca.appendUInt32(UInt32(offset)) }
        let file = FontBytes(loca + glyf)
        let table = try FontGlyphTable(
            file, loca: .init(tag: "loca", checksum: 0, offset: 0, length: loca.count),
            glyf: .init(tag: "glyf", checksum: 0, offset: loca.count, length: glyf.count), glyphCount: 3,
            longOffsets: true)
        #expect(try table.closure(of: [1]) == [1, 2])
    }
}
