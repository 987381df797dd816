import LicnaPortal
import LicnaTranslations
import NIOConcurrencyHelpers
import Vapor

/// The context every page is rendered with: the request's language, the whole translation table (`t`), the
/// language switcher and the page's own data (`body`).
struct LicnaPage<Body: Encodable & Sendable>: Encodable, Sendable {
    struct Language: Encodable, Sendable {
        let code: String
        let name: String
        let current: Bool
    }

    struct Script: Encodable, Sendable {
        let code: String
        let name: String
        let current: Bool
    }

    let lang: String
    let t: [String: String]
    let languages: [Language]
    /// The Latin/Cyrillic switch, for the languages written in both (empty for the others).
    let scripts: [Script]
    let title: String
    let body: Body

    init(_ request: Request, title: String, body: Body) {
        let language = request.language
        let locale = request.serviceLocale
        self.lang = locale.script == ServiceLocale.defaultScript(language) ? language : locale.description
        self.t = Self.table(locale)
        self.scripts = ServiceLocale.hasTwoScripts(language) ? ServiceLocale.Script.allCases.map {
            Script(code: $0.rawValue, name: Translations.bundled.text("portal.script.\($0 == .latin ? "latin" : "cyrillic")", language),
                   current: $0 == locale.script)
        } : []
        self.languages = Translations.languages.map {
            Language(code: $0, name: Translations.bundled.text("language.name", $0), current: $0 == language)
        }
        self.title = title
        self.body = body
    }

    /// A language's whole table in a script; Leaf reads `t.home_title`, so dots and hyphens of the keys become
    /// underscores. Made once per locale.
    static func table(_ locale: ServiceLocale) -> [String: String] {
        if let table = pageTables.withLockedValue({ $0[locale] }) { return table }
        let table = Dictionary(uniqueKeysWithValues: Translations.bundled.table(locale.language).map {
            ($0.key.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_"), locale.transliterated($0.value))
        })
        pageTables.withLockedValue { $0[locale] = table }
        return table
    }
}

private let pageTables = NIOLockedValueBox<[ServiceLocale: [String: String]]>([:])
