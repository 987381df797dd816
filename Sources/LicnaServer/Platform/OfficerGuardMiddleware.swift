import Vapor

/// Guards officer pages and APIs with the admin token until officers can sign in: `Authorization: Bearer <token>`
/// or the officer session cookie set by `/officer/login`. Without a configured token, the guarded routes are
/// closed to everyone (the server says so at start).
struct OfficerGuardMiddleware: AsyncMiddleware {
    static let cookieName = "licna_officer"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let tokenHash = request.application.licna.configuration.adminTokenHash {
            if let bearer = request.headers.bearerAuthorization, AdminToken.matches(bearer.token, hash: tokenHash) {
                request.officerActor = "admin-token"
                return try await next.respond(to: request)
            }
            if let cookie = request.cookies[Self.cookieName]?.string,
               AdminToken.validSession(cookie, hash: tokenHash, now: Date()) {
                request.officerActor = "admin-token"
                return try await next.respond(to: request)
            }
        }
        if request.url.path.hasPrefix("/api/") {
            throw LicnaHTTPError(status: .unauthorized, code: "unauthorized", messageKey: "error.unauthorized")
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
