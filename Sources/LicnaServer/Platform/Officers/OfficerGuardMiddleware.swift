import Vapor

/// Guards officer pages and APIs with the admin token until officers can sign in: `Authorization: Bearer <token>`
/// or a live server-side session (`OfficerSessionStore`) opened by `/officer/login`. Without a configured token,
/// the guarded routes are closed to everyone (the server says so at start).
struct OfficerGuardMiddleware: AsyncMiddleware {
    static let cookieName = "licna_officer"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let services = request.application.licna
        if let tokenHash = services.configuration.adminTokenHash {
            if let bearer = request.headers.bearerAuthorization, AdminToken.matches(bearer.token, hash: tokenHash) {
                request.officerActor = "admin-token"
                return try await next.respond(to: request)
            }
            if let cookie = request.cookies[Self.cookieName]?.string,
               let actor = try await services.officerSessions.actor(cookie: cookie, tokenHash: tokenHash, on: request.db) {
                request.officerActor = actor
                return try await next.respond(to: request)
            }
        }
        if request.url.path.hasPrefix("/api/") {
            throw LicnaHTTPError.unauthorized
        }
        return request.redirect(to: "/officer/login")
    }
}

extension Request {
    private struct OfficerKey: StorageKey { typealias Value = String }

    /// Who the audit trail names for this request.
    var officerActor: String {
        get { storage[OfficerKey.self] ?? "anonymous" }
        set { storage[OfficerKey.self] = newValue }
    }
}
