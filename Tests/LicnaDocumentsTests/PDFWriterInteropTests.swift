import Foundation
import LicnaDocuments
import LicnaTestSupport
import Testing

/// Independent implementations read what the writer produces: poppler (`pdftotext`, `pdffonts`, `pdftoppm`) and
/// qpdf. With `CI=true` a missing tool is a failure.
@Suite struct PDFWriterInteropTests {
    /// Writes the sample document into a fresh directory.
    static func sampleFile(_ blocks: [DocumentBlock]? = nil) throws -> (directory: URL, file: URL) {
        let writer = try PDFDocumentWriterTests.writer()
        let document = try writer.render(try blocks ?? SampleDocument.blocks())
        let directory = try WriterFixtures.temporaryDirectory()
        let file = directory.appendingPathComponent("sample.pdf")
        try document.data.write(to: file)
        return (directory, file)
    }

    @Test(.requiresFont, .requires("pdftotext")) func pdftotextExtractsTheExactTextInEveryScript() throws {
        let tool = try ExternalTool.required("pdftotext")
        let (directory, file) = try Self.sampleFile()
        defer { try? FileManager.default.removeItem(at: directory) }
        for arguments in [[file.path, "-"], ["-layout", file.path, "-"]] {
            let result = try PDFTool.run(tool, arguments, in: directory)
            #expect(result.status == 0, "\(result.errors)")
            #expect(result.errors.isEmpty, "pdftotext complained: \(result.errors)")
            let lines = result.output.split(whereSeparator: \.isNewline).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            for sentence in SampleDocument.sentences {
                #expect(lines.contains(sentence), "pdftotext \(arguments[0]) lost “\(sentence)”")
            }
            for heading in ["Izvod iz matične knjige rođenih", "Извод из матичне књиге рођених"] {
                #expect(lines.contains(heading))
            }
            // Table cells and the wrapped paragraph: every word comes back.
            let words = Set(result.output.split(whereSeparator: { $0.isWhitespace }).map(String.init))
            for cell in SampleDocument.tableRows.joined() {
                for word in cell.split(separator: " ") { #expect(words.contains(String(word)), "lost \(word)") }
            }
            let flowing = result.output.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            if arguments.count == 2 { #expect(flowing.contains(SampleDocument.longParagraph)) }
        }
    }

    @Test(.requiresFont, .requires("qpdf")) func qpdfFindsNoErrorsOrWarnings() throws {
        let tool = try ExternalTool.required("qpdf")
        let (directory, file) = try Self.sampleFile()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try PDFTool.run(tool, ["--check", file.path], in: directory)
        #expect(result.status == 0, "qpdf --check: \(result.output)\(result.errors)")
        #expect(result.output.contains("No syntax or stream encoding errors found"))
        #expect(!result.output.localizedCaseInsensitiveContains("warning") && result.errors.isEmpty, "\(result.output)\(result.errors)")
    }

    @Test(.requiresFont, .requires("qpdf", "pdftotext")) func qpdfAcceptsLongDocumentsAndASingleFont() throws {
        let qpdf = try ExternalTool.required("qpdf")
        let pdftotext = try ExternalTool.required("pdftotext")
        let font = try WriterFixtures.font()
        var rows = [["Broj", "Tekst"]]
        rows += (1...150).map { ["\($0)", "Red \($0): čćšžđ ђћџљњ ëç"] }
        let blocks: [DocumentBlock] = [
            .heading("Dugačka tabela"), .table(DocumentTable(columnWidths: [1, 4], rows: rows)), .pageBreak,
            .paragraph(SampleDocument.longParagraph), .qrBox(side: 140, caption: "QR"),
        ]
        // Only the regular face: headings and table headers fall back to it.
        let document = try PDFDocumentWriter(font: font, configuration: SampleDocument.configuration()).render(blocks)
        #expect(document.pageCount >= 4)
        let directory = try WriterFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("long.pdf")
        try document.data.write(to: file)
        let check = try PDFTool.run(qpdf, ["--check", file.path], in: directory)
        #expect(check.status == 0 && check.errors.isEmpty, "\(check.output)\(check.errors)")
        let text = try PDFTool.run(pdftotext, [file.path, "-"], in: directory).output
        // The header row is repeated on every page the table spans.
        #expect(text.components(separatedBy: "Broj").count - 1 >= 3)
        #expect(text.contains("Red 150: čćšžđ ђћџљњ ëç"))
        // Page labels: poppler's reading-order mode closes the narrow gaps around "/", the raw mode keeps them.
        let raw = try PDFTool.run(pdftotext, ["-raw", file.path, "-"], in: directory).output
        #expect(raw.contains("\(document.pageCount) / \(document.pageCount)"))
    }

    @Test(.requiresFont, .requires("pdffonts")) func pdffontsSeesAnEmbeddedSubsetWithToUnicode() throws {
        let tool = try ExternalTool.required("pdffonts")
        let (directory, file) = try Self.sampleFile()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try PDFTool.run(tool, [file.path], in: directory)
        #expect(result.status == 0 && result.errors.isEmpty, "\(result.errors)")
        let fonts = result.output.split(separator: "\n").dropFirst(2)
        #expect(fonts.count == 2)  // regular and bold
        for line in fonts {
            // name, type "CID TrueType", encoding "Identity-H", emb, sub, uni: yes yes yes.
            #expect(line.contains("+DejaVuSans"))
            #expect(line.contains("CID TrueType") && line.contains("Identity-H"))
            #expect(line.contains("yes yes yes"), "\(line)")
        }
    }

    @Test(.requiresFont, .requires("pdftoppm")) func pdftoppmRendersEveryPageWithoutComplaint() throws {
        let tool = try ExternalTool.required("pdftoppm")
        let (directory, file) = try Self.sampleFile()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try PDFTool.run(tool, ["-png", "-r", "60", file.path, "page"], in: directory)
        #expect(result.status == 0 && result.errors.isEmpty, "pdftoppm: \(result.errors)")
        let pngs = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".png") }
        #expect(!pngs.isEmpty)
        if let keep = ProcessInfo.processInfo.environment["LICNA_KEEP_PDF"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: directory, to: URL(fileURLWithPath: keep))
        }
    }
}
