import LicnaTranslations
import Vapor

/// The context every page is rendered with: the request's language, the whole translation table (`t`), the
/// language switcher and the page's own data (`body`).
struct LicnaPage<Body: Encodable & Sendable>: Encodable, Sendable {
    struct Language: Encodable, Sendable {
        let code: String
        let name: String
        let current: Bool
    }

    let lang: String
    let t: [String: String]
    let languages: [Language]
    let title: String
    let body: Body

    init(_ request: Request, title: String, body: Body) {
        let language = request.language
        self.lang = language
        // Leaf reads `t.home_title`: dots and hyphens of the keys become underscores.
        self.t = Dictionary(uniqueKeysWithValues: Translations.bundled.table(language).map {
            ($0.key.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_"), $0.value)
        })
        self.languages = Translations.languages.map {
            Language(code: $0, name: Translations.bundled.text("language.name", $0), current: $0 == language)
        }
        self.title = title
        self.body = body
    }
}
