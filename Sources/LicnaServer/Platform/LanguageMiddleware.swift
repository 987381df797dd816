import LicnaPortal
import LicnaTranslations
import Vapor

/// Chooses the page language: `?lang=` (and remembers it in a cookie), else the cookie, else Accept-Language,
/// else Montenegrin.
struct LanguageMiddleware: AsyncMiddleware {
    let secureCookies: Bool

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var chosen: String?
        var remember = false
        if let query = try? request.query.get(String.self, at: "lang"), Translations.languages.contains(query) {
            chosen = query
            remember = true
        } else if let cookie = request.cookies["lang"]?.string, Translations.languages.contains(cookie) {
            chosen = cookie
        } else if let accept = request.headers.first(name: .acceptLanguage) {
            chosen = accept.split(separator: ",").lazy
                .compactMap { Translations.language(forLocale: String($0.split(separator: ";")[0]).trimmingCharacters(in: .whitespaces)) }
                .first
        }
        request.language = chosen ?? Translations.defaultLanguage
        // The script of Serbian, Montenegrin and Macedonian pages: `?script=Latn|Cyrl` (remembered), else the cookie.
        var rememberScript = false
        if let query = try? request.query.get(String.self, at: "script"), let script = Self.script(query) {
            request.chosenScript = script
            rememberScript = true
        } else if let cookie = request.cookies["script"]?.string {
            request.chosenScript = Self.script(cookie)
        }
        let response = try await next.respond(to: request)
        if remember {
            response.cookies["lang"] = HTTPCookies.Value(string: request.language, maxAge: 365 * 24 * 3600, path: "/",
                                                         isSecure: secureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        if rememberScript, let script = request.chosenScript {
            response.cookies["script"] = HTTPCookies.Value(string: script.rawValue, maxAge: 365 * 24 * 3600, path: "/",
                                                           isSecure: secureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}

extension LanguageMiddleware {
    static func script(_ name: String) -> ServiceLocale.Script? {
        switch name.lowercased() {
        case "latn", "latin": .latin
        case "cyrl", "cyrillic": .cyrillic
        default: nil
        }
    }
}

extension Request {
    private struct LanguageKey: StorageKey { typealias Value = String }
    private struct ScriptKey: StorageKey { typealias Value = ServiceLocale.Script }

    /// The script the reader chose, if any (it applies to the languages written in two).
    var chosenScript: ServiceLocale.Script? {
        get { storage[ScriptKey.self] }
        set { storage[ScriptKey.self] = newValue }
    }

    /// The language and script of this request's pages.
    var serviceLocale: ServiceLocale { ServiceLocale.page(language, script: chosenScript) }

    /// `text`, written in the page language's default script, in the page's script.
    func script(_ text: String) -> String { serviceLocale.transliterated(text) }

    /// The language of this request's pages and messages.
    public var language: String {
        get { storage[LanguageKey.self] ?? Translations.defaultLanguage }
        set { storage[LanguageKey.self] = newValue }
    }

    /// A message in the request's language.
    public func t(_ key: String, _ arguments: [String: String] = [:]) -> String {
        guard chosenScript != nil else { return Translations.bundled.text(key, language, arguments) }
        return Translations.bundled.text(key, serviceLocale, arguments)
    }
}

extension Translations {
    /// The message `key` in `locale`'s language and script, with `arguments` substituted. The arguments (names,
    /// queries) are the reader's own: only the message's text changes script (its placeholders stay, being Latin
    /// words in braces).
    func text(_ key: String, _ locale: ServiceLocale, _ arguments: [String: String] = [:]) -> String {
        let template = locale.transliterated(text(key, locale.language))
        return arguments.reduce(template) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }
}
