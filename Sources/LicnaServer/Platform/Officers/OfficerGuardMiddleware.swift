import Vapor

/// Guards officer pages and APIs with the admin token until officers can sign in: `Authorization: Bearer <token>`
/// or a live server-side session (`OfficerSessionStore`) opened by `/officer/login`. Without a configured token,
/// the guarded routes are closed to everyone (the server says so at start).
///
/// Issue 13, item 6: officers' personal API tokens (`Bearer lo_…`, made on the account page after an eID-card
/// sign-in) name the officer in the audit trail and carry roles; each guarded route names the roles it needs
/// (`roles`), and an officer with none of them gets 403. Officer pages also accept the session of an officer who
/// signed in with the eID card (level high). The admin token and its sessions hold every role.
struct OfficerGuardMiddleware: AsyncMiddleware {
    static let cookieName = "licna_officer"
    /// Any one of these roles lets a request through.
    let roles: Set<OfficerRole>

    init(_ roles: Set<OfficerRole>) {
        self.roles = roles
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let services = request.application.licna
        if let bearer = request.headers.bearerAuthorization, bearer.token.hasPrefix(SignOnService.tokenPrefix) {
            guard let officer = try await services.signOn(on: request.db).officer(bearer: bearer.token) else { throw LicnaHTTPError.unauthorized }
            guard !officer.roles.isDisjoint(with: roles) else {
                request.logger.notice("officer refused for lack of a role", metadata: ["officer": "\(officer.actor)", "path": "\(request.url.path)"])
                throw LicnaHTTPError.forbidden(needs: roles)
            }
            request.officerActor = officer.actor
            return try await next.respond(to: request)
        }
        // Officer pages (not the API: its callers use tokens) accept the single sign-on session of an officer who
        // signed in with the eID card.
        if !request.url.path.hasPrefix("/api/"), let officer = try await cardSignedInOfficer(request) {
            guard !officer.roles.isDisjoint(with: roles) else { throw LicnaHTTPError.forbidden(needs: roles) }
            request.officerActor = officer.actor
            return try await next.respond(to: request)
        }
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

extension OfficerGuardMiddleware {
    /// The officer whose session (cookie `licna_session`) signed in with the eID card (level high) and holds roles.
    private func cardSignedInOfficer(_ request: Request) async throws -> SignOnService.TokenOfficer? {
        let signOn = request.application.licna.signOn(on: request.db)
        guard let session = try await signOn.session(request.cookies[SignOnController.sessionCookieName]?.string), session.level == .high else {
            return nil
        }
        let roles = try await signOn.roles(accountID: session.accountID)
        guard !roles.isEmpty else { return nil }
        return SignOnService.TokenOfficer(actor: try await signOn.officerActor(accountID: session.accountID), roles: roles)
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
