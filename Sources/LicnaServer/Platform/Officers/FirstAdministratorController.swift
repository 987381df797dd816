import LicnaCore
import Vapor

/// The one thing the operator's admin token still does (issue 13, item 6): it names the installation's first
/// administrator, an existing sign-on account, who then gives roles to officers (`/officer/accounts`). Once any
/// account is an administrator, the token opens nothing more: the page and the API answer that an administrator
/// exists, and `/officer/login` refuses the token.
///
/// - Page: `/officer/first-administrator`, for the session `/officer/login` opens with the admin token.
/// - API: `POST /api/officers/first-administrator` `{"email"}` with `Authorization: Bearer <admin token>`.
struct FirstAdministratorController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("officer", "first-administrator", use: page)
        routes.post("officer", "first-administrator", use: name)
        routes.post("api", "officers", "first-administrator", use: nameByAPI)
    }

    struct Form: Content { let email: String }

    struct Page: Encodable, Sendable {
        var exists = "no"
        var error: String?
        var done: String?
    }

    private static let context = AuditContext(actor: "admin-token", purpose: .signOn)

    /// Whether the request's officer session was opened with the admin token now in force.
    private func holdsAdminSession(_ request: Request) async throws -> Bool {
        let services = request.application.licna
        guard let cookie = request.cookies[OfficerGuardMiddleware.cookieName]?.string else { return false }
        return try await services.officerSessions.holder(cookie: cookie, adminTokenHash: services.configuration.adminTokenHash, on: request.db) == .adminToken
    }

    func page(request: Request) async throws -> Response {
        guard try await holdsAdminSession(request) else { return request.redirect(to: "/officer/login") }
        let exists = try await request.application.licna.signOn(on: request.db).administratorExists()
        return try await render(request, Page(exists: exists ? "yes" : "no"), status: .ok)
    }

    func name(request: Request) async throws -> Response {
        guard try await holdsAdminSession(request) else { return request.redirect(to: "/officer/login") }
        let form = try request.content.decode(Form.self)
        do {
            try await request.application.licna.signOn(on: request.db).nameFirstAdministrator(email: form.email, context: Self.context)
        } catch let error as SignOnError {
            let exists = error.code == .signOnAdministratorExists
            return try await render(request, Page(exists: exists ? "yes" : "no", error: request.t(error.messageKey, error.arguments)),
                                    status: exists ? .conflict : .unprocessableEntity)
        }
        // The admin token's work is done: its session ends here.
        if let cookie = request.cookies[OfficerGuardMiddleware.cookieName]?.string {
            try await request.application.licna.officerSessions.revoke(cookie: cookie, on: request.db)
        }
        let address = String(form.email.lowercased().trimmingCharacters(in: .whitespaces).prefix(254))
        let response = try await render(request, Page(done: request.t("officer.first-admin.done", ["email": address])), status: .ok)
        response.cookies[OfficerGuardMiddleware.cookieName] = HTTPCookies.Value(
            string: "", maxAge: 0, path: "/", isSecure: request.application.licna.configuration.secureCookies, isHTTPOnly: true, sameSite: .strict)
        return response
    }

    func nameByAPI(request: Request) async throws -> Response {
        guard let hash = request.application.licna.configuration.adminTokenHash, let bearer = request.headers.bearerAuthorization,
              AdminToken.matches(bearer.token, hash: hash) else { throw LicnaHTTPError.unauthorized }
        let form = try request.content.decode(Form.self)
        try await request.application.licna.signOn(on: request.db).nameFirstAdministrator(email: form.email, context: Self.context)
        return try await ["administrator": form.email.lowercased().trimmingCharacters(in: .whitespaces)].encodeResponse(for: request)
    }

    private func render(_ request: Request, _ body: Page, status: HTTPResponseStatus) async throws -> Response {
        let view = try await request.view.render("officer-first-administrator",
                                                 LicnaPage(request, title: request.t("officer.first-admin.title"), body: body))
        let response = try await view.encodeResponse(for: request)
        response.status = status
        return response
    }
}
