import Crypto
import Foundation
import LicnaBasics
import LicnaDocuments
import LicnaTranslations

/// The contract between the citizen and the ministry for an eID card, in versioned terms: the text of each version
/// lives in the translation files (`card.contract.<version>.*`), so that it exists in every language and a new
/// version is a new set of keys, never an edit of an accepted one. Acceptance records the version, the time, the
/// officer and the SHA-256 of the exact text accepted, in the citizen's language.
public struct CardContract: Sendable, Hashable {
    /// The version offered to new applications.
    public static let currentVersion = "v1"
    /// The clauses of a version, in order (translation keys after `card.contract.<version>.`).
    static let clauses = ["purpose", "card", "envelope", "activation", "loss", "data", "validity"]

    public let version: String
    public let language: String

    public init(version: String = CardContract.currentVersion, language: String) {
        self.version = version
        self.language = Translations.languages.contains(language) ? language : Translations.defaultLanguage
    }

    public var title: String { Translations.bundled.text("card.contract.\(version).title", language) }

    /// The numbered clauses.
    public var paragraphs: [String] {
        Self.clauses.enumerated().map { index, clause in
            "\(index + 1). " + Translations.bundled.text("card.contract.\(version).\(clause)", language)
        }
    }

    /// The exact text accepted: the title and the clauses, one per line.
    public var text: String { ([title] + paragraphs).joined(separator: "\n") }

    /// SHA-256 of `text` in UTF-8, lowercase hex: what the acceptance records.
    public var sha256: String { Array(SHA256.hash(data: Data(text.utf8))).hexString }
}

extension CardContract {
    /// The contract as a PDF for the citizen to read and sign, with its version and SHA-256 at the foot.
    public func pdf() throws -> Data {
        var configuration = PDFDocumentWriter.Configuration()
        configuration.title = title
        configuration.language = language
        let writer = try PDFDocumentWriter.withSystemFonts(configuration: configuration)
        let footer = Translations.bundled.text("card.contract.footer", language, ["version": version, "sha256": sha256])
        return try writer.render([.heading(title)] + paragraphs.map { .paragraph($0) } + [.spacer(24), .paragraph(footer, fontSize: 8)]).data
    }
}
