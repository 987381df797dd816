import Vapor

/// Guards officer pages and APIs (issue 13, item 6). An officer is a named account holding roles; each guarded
/// route names the roles it accepts (`roles`), and an officer with none of them gets 403. Officers come through:
/// - a personal API token (`Authorization: Bearer lo_…`, made on the account page after an eID-card sign-in, or by
///   an operator's `licna accounts token`);
/// - on pages, the single sign-on session of an officer who signed in with the eID card (level high);
/// - on pages, an officer session (`OfficerSessionStore`) opened at `/officer/login` with a personal token.
/// The audit trail names the officer. The operator's admin token opens none of these: it only names the first
/// administrator (`FirstAdministratorController`), so it answers 403 `admin-token-limited` here, and its page session
/// is sent to that page.
struct OfficerGuardMiddleware: AsyncMiddleware {
    static let cookieName = "licna_officer"
    /// Any one of these roles lets a request through.
    let roles: Set<OfficerRole>

    init(_ roles: Set<OfficerRole>) {
        self.roles = roles
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let services = request.application.licna
        let isAPI = request.url.path.hasPrefix("/api/")
        if let bearer = request.headers.bearerAuthorization {
            if bearer.token.hasPrefix(SignOnService.tokenPrefix) {
                guard let officer = try await services.signOn(on: request.db).officer(bearer: bearer.token) else { throw LicnaHTTPError.unauthorized }
                return try await pass(officer, request, next)
            }
            if let hash = services.configuration.adminTokenHash, AdminToken.matches(bearer.token, hash: hash) { throw LicnaHTTPError.adminTokenLimited }
            throw LicnaHTTPError.unauthorized
        }
        // Officer pages (not the API: its callers use tokens) accept the single sign-on session of an officer who
        // signed in with the eID card, and officer sessions.
        if !isAPI {
            if let officer = try await cardSignedInOfficer(request) { return try await pass(officer, request, next) }
            if let cookie = request.cookies[Self.cookieName]?.string,
               let holder = try await services.officerSessions.holder(cookie: cookie, adminTokenHash: services.configuration.adminTokenHash, on: request.db) {
                switch holder {
                case .adminToken:
                    return request.redirect(to: "/officer/first-administrator")
                case .officerToken(let id):
                    if let officer = try await services.signOn(on: request.db).officer(tokenID: id) { return try await pass(officer, request, next) }
                }
            }
            return request.redirect(to: "/officer/login")
        }
        throw LicnaHTTPError.unauthorized
    }

    private func pass(_ officer: SignOnService.TokenOfficer, _ request: Request, _ next: any AsyncResponder) async throws -> Response {
        guard !officer.roles.isDisjoint(with: roles) else {
            request.logger.notice("officer refused for lack of a role", metadata: ["officer": "\(officer.actor)", "path": "\(request.url.path)"])
            throw LicnaHTTPError.forbidden(needs: roles)
        }
        request.officerActor = officer.actor
        return try await next.respond(to: request)
    }
}

extension OfficerGuardMiddleware {
    /// The officer whose session (cookie `licna_session`) signed in with the eID card (level high) and holds roles.
    private func cardSignedInOfficer(_ request: Request) async throws -> SignOnService.TokenOfficer? {
        let signOn = request.application.licna.signOn(on: request.db)
        guard let session = try await request.signedIn(), session.level == .high else {
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
