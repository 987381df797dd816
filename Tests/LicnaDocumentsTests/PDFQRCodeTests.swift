import Foundation
import LicnaBasics
import LicnaDocuments
import LicnaTestSupport
import Testing

/// A QR code drawn into a PDF by the writer (issue 14, item 3): poppler renders the page and ZBar reads the
/// address back; pdftotext reads the Cyrillic caption.
@Suite struct PDFQRCodeTests {
    @Test(.requires("pdftoppm", "zbarimg", "pdftotext")) func zbarReadsTheAddressFromTheRenderedPage() throws {
        let directory = try ExternalTool.temporaryDirectory()
        let address = "https://eid.example.me/d/" + String(repeating: "Ab9_-", count: 4) + "xy"
        let code = try #require(QRCode(text: address, errorCorrection: .medium))
        let writer = try PDFDocumentWriter.withSystemFonts()
        let document = try writer.render([
            .heading("Извод из матичне књиге рођених"),
            .qrCode(code, side: 110, caption: "Проверите документ: \(address)"),
        ])
        let pdf = directory.appendingPathComponent("qr.pdf")
        try document.data.write(to: pdf)
        let render = try ExternalTool.run(try ExternalTool.required("pdftoppm"), ["-r", "150", "-gray", "-png", "-singlefile", pdf.path, directory.appendingPathComponent("page").path], in: directory)
        #expect(render.status == 0)
        let read = try ExternalTool.run(try ExternalTool.required("zbarimg"), ["-q", "--raw", "-Sdisable", "-Sqrcode.enable", directory.appendingPathComponent("page.png").path], in: directory)
        #expect(read.status == 0)
        #expect(read.output.contains(address))
        let text = try ExternalTool.run(try ExternalTool.required("pdftotext"), [pdf.path, "-"], in: directory)
        #expect(text.output.contains("Извод из матичне књиге рођених"))
    }

    @Test func aCodeLargerThanThePageIsALayoutError() throws {
        let code = try #require(QRCode(text: "x"))
        let writer = try PDFDocumentWriter.withSystemFonts()
        #expect(throws: DocumentWriterError.self) { try writer.render([.qrCode(code, side: 2_000, caption: "")]) }
        #expect(throws: DocumentWriterError.self) { try writer.render([.qrCode(code, side: -1, caption: "")]) }
    }
}
