import Crypto
import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import Vapor

/// The OpenID Connect provider over HTTP (docs/signon.md): discovery, JWKS, the authorization endpoint with its
/// sign-in and consent pages, the token and userinfo endpoints and RP-initiated logout. The protocol is
/// `OpenIDProvider`'s; this maps requests in and answers out.
struct SignOnController: RouteCollection {
    static let cookieName = "licna_signon"
    /// The single sign-on session's cookie (8 hours).
    static let sessionCookieName = "licna_session"

    func boot(routes: any RoutesBuilder) throws {
        routes.get(".well-known", "openid-configuration", use: discovery)
        let oidc = routes.grouped("oidc")
        oidc.get("jwks", use: jwks)
        oidc.get("authorize", use: authorize)
        oidc.on(.POST, "authorize", body: .collect(maxSize: "64kb"), use: authorize)
        oidc.on(.POST, "signin", body: .collect(maxSize: "16kb"), use: signIn)
        oidc.on(.POST, "second-factor", body: .collect(maxSize: "16kb"), use: secondFactor)
        oidc.on(.POST, "consent", body: .collect(maxSize: "16kb"), use: consent)
        oidc.on(.POST, "token", body: .collect(maxSize: "64kb"), use: token)
        oidc.get("userinfo", use: userinfo)
        oidc.on(.POST, "userinfo", body: .collect(maxSize: "16kb"), use: userinfo)
        oidc.get("logout", use: logout)
        oidc.on(.POST, "card", "challenge", body: .collect(maxSize: "16kb"), use: cardChallenge)
        oidc.on(.POST, "card", "signin", body: .collect(maxSize: "64kb"), use: cardSignIn)
    }

    // MARK: Discovery and keys

    func discovery(request: Request) async throws -> Response {
        try json(try await request.application.licna.signOn(on: request.db).provider().discovery, cache: "public, max-age=300")
    }

    func jwks(request: Request) async throws -> Response {
        try json(try await request.application.licna.signOn(on: request.db).provider().jwks, cache: "public, max-age=300")
    }

    // MARK: Authorization, sign-in, consent

    func authorize(request: Request) async throws -> Response {
        let text = request.method == .POST ? request.body.string ?? "" : request.url.query ?? ""
        guard let form = FormParameters(text) else { return try await message(request, "signon.request-refused", status: .badRequest) }
        let services = request.application.licna
        let provider = try await services.signOn(on: request.db).provider()
        switch try await provider.parse(form.values, repeated: form.repeated) {
        case .refused(let error):
            request.logger.notice("authorization request refused", metadata: ["error": "\(error.code.rawValue)", "detail": "\(error.description)"])
            return try await message(request, "signon.request-refused", status: .badRequest)
        case .redirectError(let error, let redirectURI, let state):
            return request.redirect(to: try provider.redirect(redirectURI, error: error, state: state).absoluteString, redirectType: .normal)
        case .valid(let authorization):
            let signOn = services.signOn(on: request.db)
            let now = services.configuration.clock.now
            let session = try await signOn.session(request.cookies[Self.sessionCookieName]?.string)
            var remembered = false
            if let session {
                remembered = try await signOn.consentRemembered(accountID: session.accountID, clientID: authorization.client.id, claims: authorization.claims)
            }
            switch authorization.decide(session: session, consentRemembered: remembered, now: now) {
            case .error(let error):
                return request.redirect(to: try provider.redirect(authorization.redirectURI, error: error, state: authorization.state).absoluteString,
                                        redirectType: .normal)
            case .issue(let signIn):
                let url = try await provider.authorize(authorization, signIn: signIn, consented: true)
                try await auditSignIn(request, signIn, authorization, how: "single sign-on session")
                return request.redirect(to: url.absoluteString, redirectType: .normal)
            case .consent(let signIn):
                return try await showConsent(request, interaction: await services.signOnInteractions.start(authorization, now: now), signIn)
            case .signIn:
                let id = await services.signOnInteractions.start(authorization, now: now)
                let response = try await signInPage(request, interaction: id, failed: false, wait: nil, status: .ok)
                setCookie(response, id, request)
                return response
            }
        }
    }

    struct SignInPage: Encodable, Sendable {
        var interaction: String
        var csrf: String
        var client: String
        var level: String
        var failed: String
        var wait: String?
        var card: CardSection
    }

    /// The eID-card part of a page (`signon-card.leaf`).
    struct CardSection: Encodable, Sendable {
        var title: String
        /// Why the card sign-in just failed, for the person.
        var failed: String?
        /// Where `licna-card agent` listens, for the page's script.
        var agent: String
    }

    func signIn(request: Request) async throws -> Response {
        let services = request.application.licna
        let now = services.configuration.clock.now
        guard let form = FormParameters(request.body.string ?? ""), let id = form.values["interaction"], request.cookies[Self.cookieName]?.string == id,
              let interaction = await services.signOnInteractions.interaction(id, now: now), form.values["csrf"] == interaction.csrf else {
            return try await message(request, "signon.interaction-expired", status: .badRequest)
        }
        let email = form.values["email"] ?? ""
        let password = form.values["password"] ?? ""
        let client = request.clientLimitKey
        let account = Self.accountKey(email)
        let wait = max(services.signOnThrottle.wait(for: client, now: now), services.signOnThrottle.wait(for: account, now: now))
        guard wait <= 0 else { return try await throttledSignInPage(request, interaction: id, wait: wait) }
        let accountID: String?
        do {
            accountID = try await services.signOn(on: request.db).verifyPassword(email: email, password: password)
        } catch is PasswordHashingQueue.Busy {
            let response = try await message(request, "signon.busy", status: .serviceUnavailable)
            response.headers.replaceOrAdd(name: .retryAfter, value: "2")
            return response
        }
        guard let accountID else {
            services.signOnThrottle.failed(client, now: now)
            services.signOnThrottle.failed(account, now: now)
            return try await signInPage(request, interaction: id, failed: true, wait: nil, status: .unauthorized)
        }
        services.signOnThrottle.succeeded(client, now: now)
        services.signOnThrottle.succeeded(account, now: now)
        let factors = try await services.signOn(on: request.db).factors(accountID: accountID)
        let signIn = SignIn(accountID: accountID, level: .low, methods: ["pwd"], authenticatedAt: now)
        // An account with an authenticator always gives its code: a second factor that could be skipped is none.
        guard let newID = await services.signOnInteractions.signedIn(id, signIn, awaitingSecondFactor: factors.hasAuthenticator, now: now),
              let signedIn = await services.signOnInteractions.interaction(newID, now: now) else {
            return try await message(request, "signon.interaction-expired", status: .badRequest)
        }
        let response = factors.hasAuthenticator
            ? try await secondFactorPage(request, interaction: newID, csrf: signedIn.csrf, failed: false, status: .ok)
            : try await consentPage(request, interaction: newID, signedIn)
        setCookie(response, newID, request)
        return response
    }

    struct SecondFactorPage: Encodable, Sendable {
        var interaction: String
        var csrf: String
        var failed: String
    }

    private func secondFactorPage(_ request: Request, interaction id: String, csrf: String, failed: Bool, status: HTTPResponseStatus) async throws -> Response {
        let page = SecondFactorPage(interaction: id, csrf: csrf, failed: failed ? "yes" : "no")
        let view = try await request.view.render("signon-second-factor", LicnaPage(request, title: request.t("signon.second-factor.title"), body: page))
        let response = try await view.encodeResponse(for: request)
        response.status = status
        return response
    }

    /// The authenticator's code (RFC 6238), after the password: throttled like the password, accepted once.
    func secondFactor(request: Request) async throws -> Response {
        let services = request.application.licna
        let now = services.configuration.clock.now
        guard let form = FormParameters(request.body.string ?? ""), let id = form.values["interaction"], request.cookies[Self.cookieName]?.string == id,
              let interaction = await services.signOnInteractions.interaction(id, now: now), form.values["csrf"] == interaction.csrf,
              interaction.awaitingSecondFactor, let first = interaction.signIn else {
            return try await message(request, "signon.interaction-expired", status: .badRequest)
        }
        let client = request.clientLimitKey
        let account = Self.accountKey("account:" + first.accountID)
        let wait = max(services.signOnThrottle.wait(for: client, now: now), services.signOnThrottle.wait(for: account, now: now))
        guard wait <= 0 else {
            let response = try await message(request, "signon.throttled", status: .tooManyRequests, ["seconds": String(Int(wait.rounded(.up)))])
            response.headers.replaceOrAdd(name: .retryAfter, value: String(Int(wait.rounded(.up))))
            return response
        }
        let signOn = services.signOn(on: request.db)
        guard try await signOn.verifyAuthenticator(accountID: first.accountID, code: form.values["code"] ?? "") else {
            services.signOnThrottle.failed(client, now: now)
            services.signOnThrottle.failed(account, now: now)
            return try await secondFactorPage(request, interaction: id, csrf: interaction.csrf, failed: true, status: .unauthorized)
        }
        services.signOnThrottle.succeeded(account, now: now)
        let factors = try await signOn.factors(accountID: first.accountID)
        let signIn = SignIn(accountID: first.accountID, level: SignOnService.level(factors, secondFactor: true), methods: ["pwd", "otp", "mfa"],
                            authenticatedAt: now)
        return try await showConsent(request, interaction: id, signIn)
    }

    /// Records `signIn` on the interaction, which moves to a new identifier (a new session identifier after
    /// sign-in), and shows the consent page with the new identifier's cookie.
    func showConsent(_ request: Request, interaction id: String, _ signIn: SignIn) async throws -> Response {
        let interactions = request.application.licna.signOnInteractions
        let now = request.application.licna.configuration.clock.now
        guard let newID = await interactions.signedIn(id, signIn, now: now), let signedIn = await interactions.interaction(newID, now: now) else {
            return try await message(request, "signon.interaction-expired", status: .badRequest)
        }
        let response = try await consentPage(request, interaction: newID, signedIn)
        setCookie(response, newID, request)
        return response
    }

    struct ConsentPage: Encodable, Sendable {
        var interaction: String
        var csrf: String
        var client: String
        var claims: [String]
        var level: String
        var short: String?
        /// Offered when the account is not linked to a registry person yet: signing in with the card links it.
        var card: CardSection?
    }

    func consentPage(_ request: Request, interaction id: String, _ interaction: SignOnInteractions.Interaction) async throws -> Response {
        // The account page's own sign-in: no consent, no code; the browser gets its session and goes back.
        if interaction.request.client.id == AccountController.clientID, let signIn = interaction.signIn {
            _ = await request.application.licna.signOnInteractions.finish(id, now: request.application.licna.configuration.clock.now)
            try await auditSignIn(request, signIn, interaction.request, how: signIn.methods.joined(separator: " "))
            let response = request.redirect(to: "/account", redirectType: .normal)
            try await startSession(response, signIn, request)
            return response
        }
        let level = interaction.signIn?.level ?? .low
        let short = level < interaction.request.requiredLevel
            ? request.t("signon.level-short", ["required": request.t("signon.level." + "\(interaction.request.requiredLevel)")]) : nil
        let agent = request.application.licna.configuration.cardAgentURL
        var card: CardSection?
        if let signIn = interaction.signIn, try await !request.application.licna.signOn(on: request.db).factors(accountID: signIn.accountID).identityVerified {
            // The account is named: a card used in a browser where someone else signed in would join that account to
            // the card holder's (a merge), so the holder must see whose it is.
            let name = try await request.application.licna.signOn(on: request.db).accountName(accountID: signIn.accountID)
            card = CardSection(title: request.t("signon.card.link-title", ["email": name]), failed: nil, agent: agent)
        }
        let page = ConsentPage(interaction: id, csrf: interaction.csrf, client: interaction.request.client.name,
                               claims: interaction.request.claims.map { request.t("signon.claim." + $0) },
                               level: request.t("signon.level." + "\(level)"), short: short, card: card)
        let view = try await request.view.render("signon-consent", LicnaPage(request, title: request.t("signon.consent.title"), body: page))
        let response = try await view.encodeResponse(for: request)
        // The consent form's answer redirects to the relying party: browsers hold that redirect to form-action too.
        response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                      value: SecurityHeadersMiddleware.contentSecurityPolicy(connect: card == nil ? nil : agent,
                                                                                              formAction: WebOrigin.serialization(of: interaction.request.redirectURI)))
        return response
    }

    func consent(request: Request) async throws -> Response {
        let services = request.application.licna
        let now = services.configuration.clock.now
        guard let form = FormParameters(request.body.string ?? ""), let id = form.values["interaction"], request.cookies[Self.cookieName]?.string == id,
              let pending = await services.signOnInteractions.interaction(id, now: now), form.values["csrf"] == pending.csrf,
              let signIn = pending.signIn, !pending.awaitingSecondFactor, let interaction = await services.signOnInteractions.finish(id, now: now) else {
            return try await message(request, "signon.interaction-expired", status: .badRequest)
        }
        let signOn = services.signOn(on: request.db)
        let consented = form.values["decision"] == "allow"
        let url = try await signOn.provider().authorize(interaction.request, signIn: signIn, consented: consented)
        if consented && signIn.level >= interaction.request.requiredLevel {
            try await signOn.rememberConsent(accountID: signIn.accountID, clientID: interaction.request.client.id, claims: interaction.request.claims)
            try await auditSignIn(request, signIn, interaction.request, how: signIn.methods.joined(separator: " "))
        }
        let response = request.redirect(to: url.absoluteString, redirectType: .normal)
        response.cookies[Self.cookieName] = HTTPCookies.Value(string: "", maxAge: 0, path: "/oidc", isSecure: services.configuration.secureCookies,
                                                              isHTTPOnly: true, sameSite: .lax)
        // The browser is signed in from now on (single sign-on), unless this very session signed it in.
        if try await signOn.session(request.cookies[Self.sessionCookieName]?.string) != signIn {
            try await startSession(response, signIn, request)
        }
        return response
    }

    /// Starts a single sign-on session and sets its cookie on `response` (path `/`: the account page reads it too).
    func startSession(_ response: Response, _ signIn: SignIn, _ request: Request) async throws {
        let session = try await request.application.licna.signOn(on: request.db).startSession(signIn)
        response.cookies[Self.sessionCookieName] = HTTPCookies.Value(string: session, maxAge: Int(SignOnService.sessionLifetime), path: "/",
                                                                     isSecure: request.application.licna.configuration.secureCookies,
                                                                     isHTTPOnly: true, sameSite: .lax)
    }

    func auditSignIn(_ request: Request, _ signIn: SignIn, _ authorization: AuthorizationRequest, how: String) async throws {
        try await request.application.licna.audit.append(AuditContext(actor: "account:" + signIn.accountID, purpose: .signOn)
            .event(.signIn, .account, signIn.accountID, detail: "client \(authorization.client.id), \(signIn.level.uri), \(how)"), on: request.db)
    }

    // MARK: Token and userinfo

    func token(request: Request) async throws -> Response {
        guard request.headers.contentType?.type == "application", request.headers.contentType?.subType == "x-www-form-urlencoded",
              let form = FormParameters(request.body.string ?? "") else {
            return try oauthError(OAuthError(.invalidRequest, "send the token request as application/x-www-form-urlencoded"), request)
        }
        if let name = form.repeated.sorted().first { return try oauthError(OAuthError(.invalidRequest, "parameter \(name.prefix(40)) is repeated"), request) }
        do {
            let answer = try await request.application.licna.signOn(on: request.db).provider()
                .token(TokenRequest(form: form.values, authorization: request.headers.first(name: .authorization)))
            return try json(answer.json, cache: "no-store")
        } catch let error as OAuthError {
            return try oauthError(error, request)
        }
    }

    func userinfo(request: Request) async throws -> Response {
        do {
            let answer = try await request.application.licna.signOn(on: request.db).provider()
                .userinfo(authorization: request.headers.first(name: .authorization))
            return try json(answer, cache: "no-store")
        } catch let error as OAuthError {
            let response = try oauthError(error, request)
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: #"Bearer error="\#(error.code.rawValue)""#)
            return response
        }
    }

    // MARK: Logout

    func logout(request: Request) async throws -> Response {
        guard let form = FormParameters(request.url.query ?? "") else { return try await message(request, "signon.request-refused", status: .badRequest) }
        do {
            let signOn = request.application.licna.signOn(on: request.db)
            let logout = try await signOn.provider().logout(form.values)
            try await signOn.endSession(request.cookies[Self.sessionCookieName]?.string)
            let answer: Response
            if let redirect = logout.redirect {
                answer = request.redirect(to: redirect.absoluteString, redirectType: .normal)
            } else {
                answer = try await message(request, "signon.signed-out", status: .ok)
            }
            answer.cookies[Self.sessionCookieName] = HTTPCookies.Value(string: "", maxAge: 0, path: "/",
                                                                       isSecure: request.application.licna.configuration.secureCookies,
                                                                       isHTTPOnly: true, sameSite: .lax)
            return answer
        } catch let error as OAuthError {
            request.logger.notice("logout request refused", metadata: ["error": "\(error.description)"])
            return try await message(request, "signon.request-refused", status: .badRequest)
        }
    }

    // MARK: Helpers

    /// The sign-in throttle's key for an account (the table is keyed like client addresses; family 0xAC keeps the two apart).
    static func accountKey(_ email: String) -> ClientKey {
        let digest = Array(SHA256.hash(data: Data(email.lowercased().trimmingCharacters(in: .whitespaces).utf8)).prefix(8))
        return ClientKey(family: 0xAC, prefix: digest.reduce(0) { $0 << 8 | UInt64($1) })
    }

    func signInPage(_ request: Request, interaction id: String, failed: Bool, wait: String?, cardFailed: String? = nil,
                    status: HTTPResponseStatus) async throws -> Response {
        let now = request.application.licna.configuration.clock.now
        guard let interaction = await request.application.licna.signOnInteractions.interaction(id, now: now) else {
            return try await message(request, "signon.interaction-expired", status: .badRequest)
        }
        let page = SignInPage(interaction: id, csrf: interaction.csrf, client: interaction.request.client.name,
                              level: request.t("signon.level." + "\(interaction.request.requiredLevel)"), failed: failed ? "yes" : "no", wait: wait,
                              card: CardSection(title: request.t("signon.card.title"), failed: cardFailed,
                                                agent: request.application.licna.configuration.cardAgentURL))
        let view = try await request.view.render("signon-signin", LicnaPage(request, title: request.t("signon.signin.title"), body: page))
        let response = try await view.encodeResponse(for: request)
        response.status = status
        // The page's script may reach the card agent on the citizen's own computer, and nothing else off this origin.
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: SecurityHeadersMiddleware.contentSecurityPolicy(connect: request.application.licna.configuration.cardAgentURL))
        return response
    }

    /// The sign-in page again, saying how long to wait (429 with Retry-After).
    func throttledSignInPage(_ request: Request, interaction id: String, wait: TimeInterval) async throws -> Response {
        let seconds = String(Int(wait.rounded(.up)))
        let response = try await signInPage(request, interaction: id, failed: false, wait: request.t("signon.throttled", ["seconds": seconds]),
                                            status: .tooManyRequests)
        response.headers.replaceOrAdd(name: .retryAfter, value: seconds)
        return response
    }

    /// The sign-in page for a new interaction, with its cookie.
    func signInPageWithCookie(_ request: Request, interaction id: String) async throws -> Response {
        let response = try await signInPage(request, interaction: id, failed: false, wait: nil, status: .ok)
        setCookie(response, id, request)
        return response
    }

    struct MessagePage: Encodable, Sendable { var text: String }

    func message(_ request: Request, _ key: String, status: HTTPResponseStatus, _ arguments: [String: String] = [:]) async throws -> Response {
        let view = try await request.view.render("signon-message", LicnaPage(request, title: request.t("signon.title"),
                                                                             body: MessagePage(text: request.t(key, arguments))))
        let response = try await view.encodeResponse(for: request)
        response.status = status
        return response
    }

    func setCookie(_ response: Response, _ id: String, _ request: Request) {
        response.cookies[Self.cookieName] = HTTPCookies.Value(string: id, maxAge: Int(SignOnInteractions.lifetime), path: "/oidc",
                                                              isSecure: request.application.licna.configuration.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    func json(_ object: [String: Any], cache: String, status: HTTPResponseStatus = .ok) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        let response = Response(status: status, body: .init(data: data))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .cacheControl, value: cache)
        if cache == "no-store" { response.headers.replaceOrAdd(name: .pragma, value: "no-cache") }
        return response
    }

    /// RFC 6749 §5.2's JSON error; the debug detail goes only to the log.
    private func oauthError(_ error: OAuthError, _ request: Request) throws -> Response {
        if let debug = error.debug { request.logger.info("OAuth error", metadata: ["error": "\(error.code.rawValue)", "debug": "\(debug)"]) }
        let body = Dictionary(uniqueKeysWithValues: error.fields.map { ($0.name, $0.value) })
        let response = try json(body, cache: "no-store")
        response.status = HTTPResponseStatus(statusCode: error.httpStatus)
        if error.httpStatus == 401 && request.headers.first(name: .authorization) != nil {
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: #"Basic realm="licna""#)
        }
        return response
    }
}

extension Request {
    /// The provider's sign-in this browser's session cookie carries, if it is still valid.
    func signedIn() async throws -> SignIn? {
        try await application.licna.signOn(on: db).session(cookies[SignOnController.sessionCookieName]?.string)
    }

    /// The sign-in and its registry person, for the portal's personal pages (tracker, mandates): nil when nobody is
    /// signed in; `document-level` below substantial, `document-unlinked` for an account without a person.
    func signedInPerson() async throws -> (SignIn, String)? {
        guard let signIn = try await signedIn() else { return nil }
        guard signIn.level >= .substantial else { throw DocumentIssuanceError(.documentLevel, "personal pages need substantial") }
        guard let personID = try await application.licna.documents(on: db).personID(ofAccount: signIn.accountID) else {
            throw DocumentIssuanceError(.documentUnlinked, "no registry person")
        }
        return (signIn, personID)
    }
}
