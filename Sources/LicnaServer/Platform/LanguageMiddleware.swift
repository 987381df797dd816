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
        let response = try await next.respond(to: request)
        if remember {
            response.cookies["lang"] = HTTPCookies.Value(string: request.language, maxAge: 365 * 24 * 3600, path: "/",
                                                         isSecure: secureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}

extension Request {
    private struct LanguageKey: StorageKey { typealias Value = String }

    /// The language of this request's pages and messages.
    public var language: String {
        get { storage[LanguageKey.self] ?? Translations.defaultLanguage }
        set { storage[LanguageKey.self] = newValue }
    }

    /// A message in the request's language.
    public func t(_ key: String, _ arguments: [String: String] = [:]) -> String {
        Translations.bundled.text(key, language, arguments)
    }
}
