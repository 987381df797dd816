import Vapor

/// Double-submit CSRF protection of the server's forms (OWASP CSRF Prevention Cheat Sheet, "Double Submit Cookie"):
/// the page puts a random token in a hidden `csrf` field and in an HttpOnly, SameSite=Strict cookie scoped to the
/// forms' path; a post counts only when the two match. The account, document, data-tracker and administrator pages
/// all use it.
extension FormParameters {
    /// The posted form's fields when its `csrf` field matches the cookie `cookie`; nil otherwise.
    static func checked(_ request: Request, cookie: String) -> FormParameters? {
        guard let form = FormParameters(request.body.string ?? ""), let csrf = form.values["csrf"], !csrf.isEmpty,
              request.cookies[cookie]?.string == csrf else { return nil }
        return form
    }

    /// Sets the cookie `name` to `csrf` for the forms under `path`, for an hour.
    static func setCookie(_ name: String, _ csrf: String, path: String, on response: Response, _ request: Request) {
        response.cookies[name] = HTTPCookies.Value(string: csrf, maxAge: 3_600, path: path,
                                                   isSecure: request.application.licna.configuration.secureCookies,
                                                   isHTTPOnly: true, sameSite: .strict)
    }
}
