import Foundation
import LicnaDocuments

/// A document like those Licna issues, with text in every regional script, a table, an image and a QR box.
enum SampleDocument {
    static let sentences = [
        "Ćirilica i latinica: čćšžđ ŠĐČĆŽ, Śćeta, źenica",
        "Çertifikatë e lindjes: Ëndërr, çelës",
        "Македонски: ѓубре, ќерка, ѕвезда, џеб, љубов, њива",
        "Српски: ђак, ћерка, џеп, љубав, њива, Ђорђе, Ћуприја",
        "English: a certificate of birth, issued by the state",
    ]

    static let longParagraph = (1...12).map { _ in
        "Kvalifikovani elektronski potpis je pravno jednak svojeručnom potpisu, ali samo u digitalnom obliku."
    }.joined(separator: " ")

    static let tableRows = [
        ["Polje", "Vrijednost", "Napomena"],
        ["Ime i prezime", "Đurđa Šćepanović", "latinica"],
        ["Име и презиме", "Ђурђа Шћепановић", "ћирилица"],
        ["Emri", "Ëndrit Çela", "shqip"],
        ["Identifikacioni broj", "276543219", "Verhoeff"],
    ]

    static let creationDate = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static func blocks(withImage: Bool = true) throws -> [DocumentBlock] {
        var blocks: [DocumentBlock] = [
            .heading("Izvod iz matične knjige rođenih"),
            .heading("Извод из матичне књиге рођених", level: 2),
        ]
        blocks += sentences.map { .paragraph($0) }
        blocks.append(.paragraph(longParagraph))
        blocks.append(.heading("Podaci", level: 2))
        blocks.append(.table(DocumentTable(columnWidths: [2, 3, 2], rows: tableRows)))
        if withImage {
            blocks.append(.image(try JPEGImage(bytes: WriterFixtures.grayJPEG(width: 160, height: 120)), width: 120))
        }
        blocks.append(.qrBox(side: 100, caption: "Provjera: skenirajte QR kod / Проверка", identifier: "verify"))
        return blocks
    }

    static func configuration() -> PDFDocumentWriter.Configuration {
        var configuration = PDFDocumentWriter.Configuration()
        configuration.title = "Izvod — Извод"
        configuration.creationDate = creationDate
        configuration.language = "sr-Latn-ME"
        return configuration
    }
}
