import Fluent
import SQLKit
import Vapor

/// Health and the home page. Metrics have their own listener (`MetricsListener`); the officer's sign-in is
/// `OfficerLoginController`.
struct PlatformController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
        routes.get("health", "live", use: live)
        routes.get(use: home)
        routes.get("audit", "checkpoint", use: auditCheckpoint)
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
        do { _ = try await request.db.sql.raw("SELECT 1 AS one").all() } catch { database = "unavailable" }
        let storage: String = if case .postgres = services.configuration.storage { "postgresql" } else { "sqlite" }
        let response = Response(status: database == "ok" ? .ok : .serviceUnavailable)
        try response.content.encode(Health(status: database == "ok" ? "ok" : "degraded", database: database, storage: storage))
        return response
    }

    /// Liveness: no I/O at all.
    func live(request: Request) -> [String: String] { ["status": "ok"] }

    /// The newest signed audit checkpoint (`AuditCheckpoint`), for anyone to keep outside this installation: it names
    /// only a count and a hash, nothing about a person.
    func auditCheckpoint(request: Request) async throws -> Response {
        guard let text = try await request.application.licna.auditCheckpoints.latest(on: request.db) else {
            throw LicnaHTTPError.noCheckpoint
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    func home(request: Request) async throws -> View {
        try await request.view.render("home", LicnaPage(request, title: request.t("home.title"), body: [String: String]()))
    }
}
