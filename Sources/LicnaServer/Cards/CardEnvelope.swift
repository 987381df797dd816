import Foundation
import LicnaBasics
import LicnaCore
import LicnaDocuments
import LicnaTranslations

/// The PIN mailer: one A4 page with the holder's name, the card number, PIN, PUK, CAN, the suspension code for a
/// lost card and the activation steps, in the citizen's language (Latin and Cyrillic set in DejaVu Sans). It is
/// rendered once, in memory, and written only where the officer sends it (standard output, or a file of mode 0600
/// for the printer); the server keeps no copy.
public struct CardEnvelope: Sendable {
    public var holderName: String
    public var cardNumber: String
    public var secrets: CardSecrets
    public var language: String
    /// Where the citizen activates and suspends (the installation's public address).
    public var publicURL: String

    public init(holderName: String, cardNumber: String, secrets: CardSecrets, language: String, publicURL: String) {
        self.holderName = holderName
        self.cardNumber = cardNumber
        self.secrets = secrets
        self.language = Translations.languages.contains(language) ? language : Translations.defaultLanguage
        self.publicURL = publicURL
    }

    public func render(fontPath: String = TrueTypeFont.defaultFontPath, boldFontPath: String? = TrueTypeFont.defaultBoldFontPath) throws -> Data {
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Translations.bundled.text("envelope." + key, language, arguments) }
        var configuration = PDFDocumentWriter.Configuration()
        configuration.title = text("title")
        configuration.language = language
        configuration.pageNumberLabel = nil
        let writer = PDFDocumentWriter(font: try Self.fonts.font(fontPath),
                                       boldFont: try boldFontPath.flatMap { FileManager.default.fileExists(atPath: $0) ? try Self.fonts.font($0) : nil },
                                       configuration: configuration)
        let server = publicURL
        let blocks: [DocumentBlock] = [
            .heading(text("title")),
            .paragraph(text("keep-secret")),
            .table(DocumentTable(columnWidths: [0.4, 0.6], rows: [
                [text("name"), holderName],
                [text("card-number"), cardNumber],
                [text("pin"), secrets.pin],
                [text("puk"), secrets.puk],
                [text("can"), secrets.can],
                [text("suspension-code"), secrets.suspensionCode.description],
            ], headerRowCount: 0, fontSize: 13)),
            .heading(text("steps-title"), level: 2),
            .paragraph("1. " + text("step-install")),
            .paragraph("2. " + text("step-activate", ["server": server, "card": cardNumber])),
            .paragraph("3. " + text("step-new-pin")),
            .paragraph("4. " + text("step-puk")),
            .heading(text("lost-title"), level: 2),
            .paragraph(text("lost", ["server": server, "card": cardNumber])),
        ]
        let document = try writer.render(blocks)
        guard document.pageCount == 1 else { throw CardIssuanceError.invalid("the envelope does not fit on one page") }
        return document.data
    }
}

extension CardEnvelope {
    /// Fonts read once per process: a station renders an envelope per card.
    static let fonts = FontCache()

    final class FontCache: @unchecked Sendable {
        private let lock = NSLock()
        private var loaded: [String: TrueTypeFont] = [:]

        func font(_ path: String) throws -> TrueTypeFont {
            if let font = lock.withLock({ loaded[path] }) { return font }
            let font = try TrueTypeFont.load(path: path)
            lock.withLock { loaded[path] = font }
            return font
        }
    }
}
