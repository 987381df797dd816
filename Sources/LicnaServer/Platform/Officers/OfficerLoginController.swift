import Vapor

/// The officer's sign-in with a token: a throttled check (`LoginThrottle`), then a server-side session
/// (`OfficerSessionStore`) whose random id is the HttpOnly, SameSite=Strict cookie; logout ends it on the server.
/// An officer's personal token (`lo_…`) opens the officer pages its roles allow. The operator's admin token opens
/// only the page that names the first administrator, and nothing once an administrator exists. Officers with an
/// account can instead sign in with the eID card.
struct OfficerLoginController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("officer", "login", use: loginPage)
        routes.post("officer", "login", use: login)
        routes.post("officer", "logout", use: logout)
    }

    struct LoginForm: Content { let token: String }

    func loginPage(request: Request) async throws -> View {
        try await request.view.render("officer-login", LicnaPage(request, title: request.t("officer.login.title"), body: LoginPage()))
    }

    struct LoginPage: Encodable, Sendable {
        var failed = "no"
        var wait: String?
        /// Set when the admin token was given after an administrator exists.
        var retired: String?
    }

    func login(request: Request) async throws -> Response {
        let services = request.application.licna
        let now = services.configuration.clock.now
        let client = request.clientLimitKey
        let wait = services.loginThrottle.wait(for: client, now: now)
        guard wait <= 0 else {
            // Not even checked: a guess made during the delay costs the guesser nothing but tells nothing either.
            let seconds = String(Int(wait.rounded(.up)))
            let response = try await page(request, LoginPage(failed: "no", wait: request.t("officer.login.throttled", ["seconds": seconds])),
                                          status: .tooManyRequests)
            response.headers.replaceOrAdd(name: .retryAfter, value: seconds)
            return response
        }
        let form = try request.content.decode(LoginForm.self)
        let signOn = services.signOn(on: request.db)
        let opened: (cookie: String, next: String)
        if let token = try await signOn.officerToken(bearer: form.token), !token.officer.roles.isEmpty {
            let cookie = try await services.officerSessions.open(.officerToken(id: token.id), adminTokenHash: nil, until: token.expiresAt, on: request.db)
            opened = (cookie, Self.home(for: token.officer.roles))
        } else if let hash = services.configuration.adminTokenHash, AdminToken.matches(form.token, hash: hash) {
            guard try await !signOn.administratorExists() else {
                services.loginThrottle.succeeded(client, now: now)
                return try await page(request, LoginPage(retired: request.t("officer.login.retired")), status: .forbidden)
            }
            opened = (try await services.officerSessions.open(.adminToken, adminTokenHash: hash, on: request.db), "/officer/first-administrator")
        } else {
            services.loginThrottle.failed(client, now: now)
            request.logger.notice("officer sign-in refused", metadata: ["client": "\(request.clientAddress.map { "\($0)" } ?? "?")"])
            return try await page(request, LoginPage(failed: "yes"), status: .unauthorized)
        }
        services.loginThrottle.succeeded(client, now: now)
        let response = request.redirect(to: opened.next, redirectType: .normal)
        response.cookies[OfficerGuardMiddleware.cookieName] = HTTPCookies.Value(
            string: opened.cookie, expires: now.addingTimeInterval(services.officerSessions.maximumLifetime), path: "/",
            isSecure: services.configuration.secureCookies, isHTTPOnly: true, sameSite: .strict)
        return response
    }

    /// The first officer page an officer with these roles may open.
    static func home(for roles: Set<OfficerRole>) -> String {
        if roles.contains(.registrar) { return "/officer/registry" }
        if !roles.isDisjoint(with: [.cardOfficer, .auditor]) { return "/officer/cards" }
        if roles.contains(.administrator) { return "/officer/accounts" }
        return "/account"
    }

    func logout(request: Request) async throws -> Response {
        if let cookie = request.cookies[OfficerGuardMiddleware.cookieName]?.string {
            try await request.application.licna.officerSessions.revoke(cookie: cookie, on: request.db)
        }
        let response = request.redirect(to: "/", redirectType: .normal)
        response.cookies[OfficerGuardMiddleware.cookieName] = HTTPCookies.Value(
            string: "", maxAge: 0, path: "/", isSecure: request.application.licna.configuration.secureCookies, isHTTPOnly: true, sameSite: .strict)
        return response
    }

    private func page(_ request: Request, _ body: LoginPage, status: HTTPResponseStatus) async throws -> Response {
        let view = try await request.view.render("officer-login", LicnaPage(request, title: request.t("officer.login.title"), body: body))
        let response = try await view.encodeResponse(for: request)
        response.status = status
        return response
    }
}
