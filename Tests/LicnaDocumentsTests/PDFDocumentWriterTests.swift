import Foundation
import Testing

@testable import LicnaDocuments

@Suite struct PDFDocumentWriterTests {
    static func writer() throws -> PDFDocumentWriter {
        let font = try WriterFixtures.font()
        let bold = try WriterFixtures.font(TrueTypeFont.defaultBoldFontPath)
        return PDFDocumentWriter(font: font, boldFont: bold, configuration: SampleDocument.configuration())
    }

    @Test(.requiresFont) func theFileStructureIsConsistent() throws {
        let writer = try Self.writer()
        let document = try writer.render(try SampleDocument.blocks())
        let bytes = [UInt8](document.data)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-1.7\n%"))
        #expect(bytes[10...13].allSatisfy { $0 > 127 })
        #expect(text.hasSuffix("%%EOF\n"))
        // startxref points at the xref keyword, and every in-use entry at its "n 0 obj".
        let tail = String(decoding: bytes.suffix(40), as: UTF8.self)
        let startxref = try #require(tail.split(separator: "\n").dropLast().last.flatMap { Int($0) })
        let header = String(decoding: bytes[startxref..<(startxref + 20)], as: UTF8.self)
        #expect(header.hasPrefix("xref\n0 "))
        let count = try #require(Int(header.dropFirst(7).prefix { $0.isNumber }))
        let firstEntry = startxref + 7 + String(count).count + 1
        // Each entry is exactly 20 bytes (§7.5.4); entry 0 is the head of the free list.
        #expect(String(decoding: bytes[firstEntry..<(firstEntry + 20)], as: UTF8.self) == "0000000000 65535 f\r\n")
        for number in 1..<count {
            let entry = bytes[(firstEntry + number * 20)..<(firstEntry + number * 20 + 20)]
            #expect(Array(entry.suffix(4)) == Array(" n\r\n".utf8))
            let offset = try #require(Int(String(decoding: entry.prefix(10), as: UTF8.self)))
            let object = String(decoding: bytes[offset..<min(offset + 20, bytes.count)], as: UTF8.self)
            #expect(object.hasPrefix("\(number) 0 obj\n"))
        }
        #expect(text.contains("/Producer (Licna)"))
        #expect(text.contains("/CreationDate (D:20260101000000Z)"))
        #expect(text.contains("/ID [<"))
        #expect(text.contains("/Encoding /Identity-H"))
        #expect(text.contains("/Subtype /CIDFontType2"))
        #expect(text.contains("+DejaVuSans /Encoding"))
        #expect(text.contains("/Filter /DCTDecode"))
    }

    @Test(.requiresFont) func renderingIsDeterministic() throws {
        let writer = try Self.writer()
        let blocks = try SampleDocument.blocks()
        #expect(try writer.render(blocks).data == writer.render(blocks).data)
    }

    @Test(.requiresFont) func theQRBoxIsReportedWhereItIsDrawn() throws {
        let writer = try Self.writer()
        let document = try writer.render(try SampleDocument.blocks())
        let box = try #require(document.reservedBoxes.first)
        #expect(box.identifier == "verify")
        #expect(box.page >= 1 && box.page <= document.pageCount)
        #expect(abs(box.rectangle.width - 99) < 0.001 && abs(box.rectangle.height - 99) < 0.001)
        #expect(box.rectangle.x > 56 && box.rectangle.y > 56)
    }

    @Test(.requiresFont) func longDocumentsBreakPagesAndRepeatTableHeaders() throws {
        let writer = try Self.writer()
        var rows = [["Broj", "Tekst"]]
        rows += (1...120).map { ["\($0)", "Red \($0): čćšžđ ђћџљњ ëç"] }
        let document = try writer.render([
            .heading("Dugačka tabela"), .table(DocumentTable(columnWidths: [1, 4], rows: rows)),
            .paragraph(SampleDocument.longParagraph),
        ])
        #expect(document.pageCount >= 3)
        let text = String(decoding: document.data, as: UTF8.self)
        #expect(text.contains("/Count \(document.pageCount)"))
    }

    @Test(.requiresFont) func aCharacterTheFontLacksIsAClearError() throws {
        let writer = try Self.writer()
        let error = #expect(throws: DocumentWriterError.self) { try writer.render([.paragraph("Ime: 漢")]) }
        #expect(error?.code == .missingGlyph)
        #expect(error?.detail.contains("U+6F22") == true)
    }

    @Test(.requiresFont) func decomposedAccentsAreComposed() throws {
        let writer = try Self.writer()
        // "c" + COMBINING CARON becomes "č", which the font has as one glyph.
        var layout = try DocumentLayout(
            configuration: writer.configuration, fonts: [EmbeddedFont(font: writer.font, resourceName: "F1")])
        let lines = try layout.wrap("c\u{030C}", font: 0, size: 11, width: 400)
        #expect(lines == ["č"])
    }

    @Test(.requiresFont) func wrappingKeepsEveryWordAndStaysInsideTheWidth() throws {
        let writer = try Self.writer()
        var layout = try DocumentLayout(
            configuration: writer.configuration, fonts: [EmbeddedFont(font: writer.font, resourceName: "F1")])
        let text = SampleDocument.longParagraph + " " + String(repeating: "Ш", count: 80)
        let lines = try layout.wrap(text, font: 0, size: 11, width: 300)
        #expect(lines.count > 5)
        #expect(lines.joined(separator: " ").replacingOccurrences(of: " ", with: "") == text.replacingOccurrences(of: " ", with: ""))
        var fonts = EmbeddedFont(font: writer.font, resourceName: "F1")
        for line in lines { #expect(try fonts.width(of: line, size: 11) <= 300) }
    }

    @Test func numbersAreWrittenWithoutExponents() {
        #expect(PDFOutputSyntax.number(0) == "0")
        #expect(PDFOutputSyntax.number(595.2756) == "595.276")
        #expect(PDFOutputSyntax.number(-0.5) == "-0.5")
        #expect(PDFOutputSyntax.number(1e-9) == "0")
        #expect(PDFOutputSyntax.number(12.05) == "12.05")
        #expect(PDFOutputSyntax.name("ABCDEF+Deja Vu#") == "/ABCDEF+Deja#20Vu#23")
    }

    @Test func zlibStreamsHaveHeaderAndAdler32() throws {
        let input = Array(String(repeating: "Licna ", count: 500).utf8)
        let compressed = try ZlibCompressor.compress(input)
        #expect(compressed.count < input.count)
        #expect(compressed[0] == 0x78 && (UInt16(compressed[0]) << 8 | UInt16(compressed[1])) % 31 == 0)
        #expect(ZlibCompressor.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        let trailer = compressed.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(trailer == ZlibCompressor.adler32(input))
    }
}
