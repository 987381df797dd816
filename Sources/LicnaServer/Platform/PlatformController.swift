import Fluent
import SQLKit
import Vapor

/// Health, metrics, the home page and the officer's sign-in with the admin token.
struct PlatformController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
        routes.get("health", "live", use: live)
        routes.get("metrics", use: metrics)
        routes.get(use: home)
        routes.get("officer", "login", use: loginPage)
        routes.post("officer", "login", use: login)
        routes.post("officer", "logout", use: logout)
    }

    struct Health: Content {
        let status: String
        let database: String
        let storage: String
    }

    /// Readiness: the database answers a query.
    func health(request: Request) async throws -> Response {
        let services = request.application.licna
        var database = "ok"
        do { _ = try await (request.db as! any SQLDatabase).raw("SELECT 1 AS one").all() } catch { database = "unavailable" }
        let storage: String = if case .postgres = services.configuration.storage { "postgresql" } else { "sqlite" }
        let response = Response(status: database == "ok" ? .ok : .serviceUnavailable)
        try response.content.encode(Health(status: database == "ok" ? "ok" : "degraded", database: database, storage: storage))
        return response
    }

    /// Liveness: no I/O at all.
    func live(request: Request) -> [String: String] { ["status": "ok"] }

    func metrics(request: Request) async throws -> Response {
        let text = try await request.application.licna.metrics.render(database: request.db)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    func home(request: Request) async throws -> View {
        try await request.view.render("home", LicnaPage(request, title: request.t("home.title"), body: [String: String]()))
    }

    func loginPage(request: Request) async throws -> View {
        try await request.view.render("officer-login", LicnaPage(request, title: request.t("officer.login.title"), body: ["failed": "no"]))
    }

    struct LoginForm: Content { let token: String }

    func login(request: Request) async throws -> Response {
        let form = try request.content.decode(LoginForm.self)
        let configuration = request.application.licna.configuration
        guard let hash = configuration.adminTokenHash, AdminToken.matches(form.token, hash: hash) else {
            let view = try await request.view.render("officer-login", LicnaPage(request, title: request.t("officer.login.title"), body: ["failed": "yes"]))
            let response = try await view.encodeResponse(for: request)
            response.status = .unauthorized
            return response
        }
        let response = request.redirect(to: "/officer/registry", redirectType: .normal)
        let expires = Date().addingTimeInterval(8 * 3600)
        response.cookies[OfficerGuardMiddleware.cookieName] = HTTPCookies.Value(
            string: AdminToken.sessionCookie(hash: hash, expires: expires), expires: expires, path: "/",
            isSecure: configuration.secureCookies, isHTTPOnly: true, sameSite: .strict)
        return response
    }

    func logout(request: Request) -> Response {
        let response = request.redirect(to: "/", redirectType: .normal)
        response.cookies[OfficerGuardMiddleware.cookieName] = HTTPCookies.Value(string: "", maxAge: 0, path: "/")
        return response
    }
}
