import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import Vapor

/// The public account pages (issue 13, item 2; docs/signon.md): registration with email and password, the emailed
/// verification link, and password reset. Each form carries a CSRF token that must match a cookie the page set
/// (double submit, SameSite=Strict); posts are throttled per client address; answers never tell whether an address
/// has an account.
struct AccountController: RouteCollection {
    static let formCookie = "licna_form"

    /// The account page's own sign-in (not a registered relying party: no claims, no code).
    static let clientID = "licna-account"

    func boot(routes: any RoutesBuilder) throws {
        routes.get("account", use: accountPage)
        let account = routes.grouped("account")
        account.get("signin", use: signIn)
        account.on(.POST, "consents", "withdraw", body: .collect(maxSize: "16kb"), use: withdraw)
        account.on(.POST, "signout", body: .collect(maxSize: "16kb"), use: signOut)
        account.on(.POST, "tokens", body: .collect(maxSize: "16kb"), use: createToken)
        account.on(.POST, "tokens", "revoke", body: .collect(maxSize: "16kb"), use: revokeToken)
        account.on(.POST, "authenticator", body: .collect(maxSize: "16kb"), use: offerAuthenticator)
        account.on(.POST, "authenticator", "confirm", body: .collect(maxSize: "16kb"), use: confirmAuthenticator)
        account.on(.POST, "jmbg", body: .collect(maxSize: "16kb"), use: revealJMBG)
        account.get("register", use: registerPage)
        account.on(.POST, "register", body: .collect(maxSize: "16kb"), use: register)
        account.get("verify", use: verifyPage)
        account.on(.POST, "verify", body: .collect(maxSize: "16kb"), use: verify)
        account.get("reset", use: resetPage)
        account.on(.POST, "reset", body: .collect(maxSize: "16kb"), use: reset)
        account.get("reset", "confirm", use: resetConfirmPage)
        account.on(.POST, "reset", "confirm", body: .collect(maxSize: "16kb"), use: resetConfirm)
    }

    struct Field: Encodable, Sendable {
        var name: String
        var label: String
        var type: String
        var autocomplete: String
    }

    struct FormPage: Encodable, Sendable {
        var title: String
        var intro: String
        var action: String
        var csrf: String
        var token: String?
        var fields: [Field]
        var submit: String
        var error: String?
    }

    // MARK: The account page

    struct AccountPage: Encodable, Sendable {
        struct Consent: Encodable, Sendable {
            var clientID: String
            var client: String
            var claims: String
        }

        var email: String
        var level: String
        var linked: String
        var authenticator: String
        var nextStep: String
        var consents: [Consent]
        var csrf: String
        /// Whether this sign-in may add (or replace) an authenticator: level substantial or high.
        var canEnroll: Bool
        var enrollLabel: String
        /// For officers: their roles, tokens, and whether this sign-in (the eID card) may make one.
        var officer: Officer?
        /// The person's registry data and cards (issue 14, item 5), at level substantial or high; nil otherwise.
        var mine: Mine?

        struct Mine: Encodable, Sendable {
            var facts: [Fact]
            var cards: [Card]
            /// The mandates in force, given and received, a line each.
            var mandates: [String]
        }

        struct Fact: Encodable, Sendable {
            var label: String
            var value: String
        }

        struct Card: Encodable, Sendable {
            var number: String
            var state: String
            var expires: String
            /// Its certificates: which, valid until when, and their status now ("valid", "suspended", "revoked").
            var certificates: [String]
            /// What to do next with it (activate a delivered card), or nil.
            var next: String?
        }

        struct Officer: Encodable, Sendable {
            var intro: String
            var roles: [String]
            var tokens: [Token]
            var canCreate: Bool
        }

        struct Token: Encodable, Sendable {
            var id: String
            var name: String
            var roles: String
            var expires: String
            var revoked: Bool
        }
    }

    /// `GET /account`: the signed-in person's account: the level of this sign-in, the next step to raise it
    /// (issue 13, item 2), the relying parties they consented to, each with a button to withdraw (item 4).
    func accountPage(request: Request) async throws -> Response {
        let signOn = request.application.licna.signOn(on: request.db)
        guard let session = try await request.signedIn() else {
            return request.redirect(to: "/account/signin", redirectType: .normal)
        }
        let overview = try await signOn.overview(accountID: session.accountID)
        let nextStep = !overview.factors.identityVerified ? "account.next.link-card"
            : !overview.factors.hasAuthenticator && session.level < .high ? "account.next.authenticator" : "account.next.none"
        let clients = Dictionary(try await signOn.clients().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let csrf = SignOnInteractions.random()
        let yes = request.t("account.yes"), no = request.t("account.no")
        let page = AccountPage(email: overview.email ?? request.t("account.no-email"), level: request.t("signon.level." + "\(session.level)"),
                               linked: overview.factors.identityVerified ? yes : no, authenticator: overview.factors.hasAuthenticator ? yes : no,
                               nextStep: request.t(nextStep),
                               consents: overview.consents.map {
                                   AccountPage.Consent(clientID: $0.clientID, client: clients[$0.clientID] ?? $0.clientID,
                                                       claims: $0.claims.map { request.t("signon.claim." + $0) }.joined(separator: ", "))
                               }, csrf: csrf,
                               canEnroll: session.level >= .substantial,
                               enrollLabel: request.t(overview.factors.hasAuthenticator ? "account.authenticator.replace" : "account.authenticator.add"),
                               officer: try await officerSection(request, session),
                               mine: try await mine(request, session))
        let response = try await request.view.render("account", LicnaPage(request, title: request.t("account.title"), body: page)).encodeResponse(for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        setFormCookie(response, csrf, request)
        return response
    }

    /// The registry's data about the signed-in person (without the JMBG) and their cards, for a sign-in at level
    /// substantial or high.
    private func mine(_ request: Request, _ session: SignIn) async throws -> AccountPage.Mine? {
        guard session.level >= .substantial,
              let personID = try await request.application.licna.documents(on: request.db).personID(ofAccount: session.accountID),
              let uuid = UUID(uuidString: personID), let person = try await PersonModel.find(uuid, on: request.db) else { return nil }
        let facts = [
            ("documents.pdf.given-name", person.givenName), ("documents.pdf.surname", person.surname),
            ("documents.pdf.birth-date", DocumentIssuanceService.date(person.birthDate)), ("documents.pdf.birth-place", person.birthPlace),
            ("documents.pdf.address", person.address), ("documents.pdf.municipality", person.municipality),
            ("documents.pdf.identification-number", person.identificationNumber),
        ].map { AccountPage.Fact(label: request.t($0.0), value: $0.1) }
        typealias Cards = CardApplicationsTable
        let rows = try await request.db.sql.select().columns(Cards.cardNumber, Cards.state, Cards.cardExpires, Cards.authenticationSerial, Cards.signatureSerial)
            .from(Cards.table).where(Cards.personID, .equal, personID).orderBy(Cards.submittedAt.name, .descending).limit(5).all()
        let authority = request.application.licna.trust.authority(on: request.db)
        let timeZone = request.application.licna.configuration.clock.timeZone
        var cards: [AccountPage.Card] = []
        for row in rows {
            let state = try row.decode(column: Cards.state.name, as: String.self)
            let key = "account.card.state." + state
            var certificates: [String] = []
            for (column, kind) in [(Cards.authenticationSerial, "authentication"), (Cards.signatureSerial, "signature")] {
                // The responder's own record: what an OCSP request for it answers now.
                guard let serial = try row.decode(column: column.name, as: String?.self), let record = try? await authority.status(serial: serial) else { continue }
                certificates.append(request.t("account.certificate", [
                    "kind": request.t("account.certificate." + kind),
                    "until": DocumentIssuanceService.date(CivilDate(record.notAfter, in: timeZone).iso8601),
                    "status": request.t("account.certificate.status." + (["good", "hold", "revoked"].contains(record.status) ? record.status : "unknown")),
                ]))
            }
            cards.append(AccountPage.Card(number: try row.decode(column: Cards.cardNumber.name, as: String?.self) ?? "—",
                                          state: request.t(key) == key ? state : request.t(key),
                                          expires: try row.decode(column: Cards.cardExpires.name, as: String?.self).map(DocumentIssuanceService.date) ?? "—",
                                          certificates: certificates, next: state == "delivered" ? request.t("account.card.activate") : nil))
        }
        let mandateService = request.application.licna.mandates(on: request.db)
        let mandates = try await mandateService.mandates(personID: personID)
        let names = try await mandateService.partyNames(given: mandates.given, received: mandates.received)
        let now = request.application.licna.configuration.clock.now
        var lines: [String] = []
        for (list, key, other) in [(mandates.given, "account.mandate.given", \MandateService.Mandate.proxyID),
                                   (mandates.received, "account.mandate.received", \MandateService.Mandate.grantorID)] {
            for mandate in list where mandate.isActive(at: now) {
                lines.append(request.t(key, ["name": names[mandate[keyPath: other]] ?? "—", "until": DocumentIssuanceService.date(CivilDate(mandate.validUntil, in: timeZone).iso8601)]))
            }
        }
        return AccountPage.Mine(facts: facts, cards: cards, mandates: lines)
    }

    /// How long after a sign-in the JMBG may be revealed: a fresh sign-in, not a session left open.
    static let jmbgFreshness: TimeInterval = 300

    /// `POST /account/jmbg` (csrf): the person's own JMBG, shown once after a fresh sign-in at level substantial or
    /// high; the reveal is written to the audit trail (and so to their data tracker).
    func revealJMBG(request: Request) async throws -> Response {
        guard checkedForm(request) != nil else { return try await message(request, "account.form-expired", status: .badRequest) }
        let services = request.application.licna
        guard let session = try await request.signedIn() else {
            return request.redirect(to: "/account/signin", redirectType: .normal)
        }
        guard session.level >= .substantial, services.configuration.clock.now.timeIntervalSince(session.authenticatedAt) <= Self.jmbgFreshness else {
            return try await message(request, "account.jmbg.fresh", status: .forbidden)
        }
        guard let personID = try await services.documents(on: request.db).personID(ofAccount: session.accountID),
              let uuid = UUID(uuidString: personID), let person = try await PersonModel.find(uuid, on: request.db) else {
            return try await message(request, "error.documents.document-unlinked", status: .forbidden)
        }
        let jmbg = try services.protector.open(SealedValue(keyVersion: person.jmbgKeyVersion, combined: person.jmbgSealed), owner: personID)
        try await services.audit.append(AuditContext(actor: "account:" + session.accountID, purpose: .stated("citizen-request"))
            .event(.personJMBGRevealed, .person, personID, detail: "shown to the person on the account page"), on: request.db)
        let response = try await message(request, "account.jmbg.shown", status: .ok, ["jmbg": jmbg.digits])
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func officerSection(_ request: Request, _ session: SignIn) async throws -> AccountPage.Officer? {
        let signOn = request.application.licna.signOn(on: request.db)
        let roles = try await signOn.roles(accountID: session.accountID)
        guard !roles.isEmpty else { return nil }
        let tokens = try await signOn.officerTokens(accountID: session.accountID).map {
            AccountPage.Token(id: $0.id, name: $0.name, roles: $0.roles.joined(separator: ", "),
                              expires: ISO8601DateFormatter().string(from: $0.expiresAt).prefix(10).description, revoked: $0.revoked)
        }
        return AccountPage.Officer(intro: request.t("account.tokens.intro", ["roles": OfficerRole.text(roles)]), roles: roles.map(\.rawValue).sorted(),
                                   tokens: tokens, canCreate: session.level == .high)
    }

    /// `POST /account/tokens` (csrf, name, days, scope: a role or `all`): a personal API token, shown once.
    func createToken(request: Request) async throws -> Response {
        guard let form = checkedForm(request) else { return try await message(request, "account.form-expired", status: .badRequest) }
        let signOn = request.application.licna.signOn(on: request.db)
        guard let session = try await request.signedIn() else {
            return request.redirect(to: "/account/signin", redirectType: .normal)
        }
        let held = try await signOn.roles(accountID: session.accountID)
        let scope = form.values["scope"] ?? "all"
        let roles = scope == "all" ? held : OfficerRole(rawValue: scope).map { [$0] } ?? []
        do {
            let token = try await signOn.createOfficerToken(signIn: session, name: form.values["name"] ?? "", roles: roles,
                                                            days: Int(form.values["days"] ?? "") ?? 0)
            let response = try await message(request, "account.tokens.made", status: .ok, ["token": token])
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        } catch let error as SignOnError {
            return try await message(request, error.messageKey, status: .badRequest, error.arguments)
        }
    }

    /// `POST /account/tokens/revoke` (csrf, id).
    func revokeToken(request: Request) async throws -> Response {
        guard let form = checkedForm(request) else { return try await message(request, "account.form-expired", status: .badRequest) }
        let signOn = request.application.licna.signOn(on: request.db)
        guard let session = try await request.signedIn() else {
            return request.redirect(to: "/account/signin", redirectType: .normal)
        }
        _ = try await signOn.revokeOfficerToken(accountID: session.accountID, id: form.values["id"] ?? "")
        return request.redirect(to: "/account", redirectType: .normal)
    }

    /// `GET /account/signin`: the provider's sign-in page, for the account page.
    func signIn(request: Request) async throws -> Response {
        let services = request.application.licna
        let client = RelyingParty(id: Self.clientID, name: request.t("account.title"), authentication: .none,
                                  redirectURIs: [services.configuration.publicURL.trimmingCharacters(in: ["/"]) + "/account"])
        let id = await services.signOnInteractions.start(.firstParty(client, returnTo: client.redirectURIs[0]), now: services.configuration.clock.now)
        return try await SignOnController().signInPageWithCookie(request, interaction: id)
    }

    /// `POST /account/consents/withdraw` (csrf, client).
    func withdraw(request: Request) async throws -> Response {
        guard let form = checkedForm(request) else { return try await message(request, "account.form-expired", status: .badRequest) }
        let signOn = request.application.licna.signOn(on: request.db)
        guard let session = try await request.signedIn() else {
            return request.redirect(to: "/account/signin", redirectType: .normal)
        }
        _ = try await signOn.withdrawConsent(accountID: session.accountID, clientID: form.values["client"] ?? "",
                                             context: AuditContext(actor: "account:" + session.accountID, purpose: .signOn))
        return request.redirect(to: "/account", redirectType: .normal)
    }

    /// `POST /account/signout` (csrf): ends this browser's session.
    func signOut(request: Request) async throws -> Response {
        guard checkedForm(request) != nil else { return try await message(request, "account.form-expired", status: .badRequest) }
        try await request.application.licna.signOn(on: request.db).endSession(request.cookies[SignOnController.sessionCookieName]?.string)
        let response = try await message(request, "signon.signed-out", status: .ok)
        response.cookies[SignOnController.sessionCookieName] = HTTPCookies.Value(string: "", maxAge: 0, path: "/",
                                                                                 isSecure: request.application.licna.configuration.secureCookies,
                                                                                 isHTTPOnly: true, sameSite: .lax)
        return response
    }

    // MARK: Registration

    func registerPage(request: Request) async throws -> Response {
        guard request.application.licna.configuration.mail.isAvailable else { return try await unavailable(request) }
        return try await form(request, "account.register", action: "/account/register", fields: [email(request), password(request), passwordAgain(request)])
    }

    func register(request: Request) async throws -> Response {
        guard request.application.licna.configuration.mail.isAvailable else { return try await unavailable(request) }
        guard let form = checkedForm(request) else { return try await message(request, "account.form-expired", status: .badRequest) }
        if let throttled = try await throttled(request) { return throttled }
        let password = form.values["password"] ?? ""
        guard password == form.values["password-again"] else {
            return try await self.form(request, "account.register", action: "/account/register", fields: [email(request), self.password(request), passwordAgain(request)],
                                       error: request.t("account.passwords-differ"), status: .badRequest)
        }
        do {
            try await request.application.licna.signOn(on: request.db).register(
                email: form.values["email"] ?? "", password: password, baseURL: baseURL(request),
                verify: .init(subject: request.t("mail.verify.subject"), body: request.t("mail.verify.body")),
                existing: .init(subject: request.t("mail.existing.subject"), body: request.t("mail.existing.body")), logger: request.logger)
        } catch let error as SignOnError where error.code == .signOnInvalidRequest {
            return try await self.form(request, "account.register", action: "/account/register", fields: [email(request), self.password(request), passwordAgain(request)],
                                       error: request.t(error.messageKey, error.arguments), status: .badRequest)
        } catch is PasswordHashingQueue.Busy {
            return try await busy(request)
        }
        return try await message(request, "account.register.sent", status: .ok)
    }

    // MARK: Verification

    func verifyPage(request: Request) async throws -> Response {
        let token = (try? request.query.get(String.self, at: "token")) ?? ""
        return try await form(request, "account.verify", action: "/account/verify", fields: [], token: token)
    }

    func verify(request: Request) async throws -> Response {
        guard let form = checkedForm(request) else { return try await message(request, "account.form-expired", status: .badRequest) }
        if let throttled = try await throttled(request, count: false) { return throttled }
        guard try await request.application.licna.signOn(on: request.db).verifyEmail(token: form.values["token"] ?? "") else {
            countFailure(request)
            return try await message(request, "account.link-invalid", status: .badRequest)
        }
        return try await message(request, "account.verify.done", status: .ok)
    }

    // MARK: Password reset

    func resetPage(request: Request) async throws -> Response {
        guard request.application.licna.configuration.mail.isAvailable else { return try await unavailable(request) }
        return try await form(request, "account.reset", action: "/account/reset", fields: [email(request)])
    }

    func reset(request: Request) async throws -> Response {
        guard request.application.licna.configuration.mail.isAvailable else { return try await unavailable(request) }
        guard let form = checkedForm(request) else { return try await message(request, "account.form-expired", status: .badRequest) }
        if let throttled = try await throttled(request) { return throttled }
        try await request.application.licna.signOn(on: request.db).requestReset(
            email: form.values["email"] ?? "", baseURL: baseURL(request),
            text: .init(subject: request.t("mail.reset.subject"), body: request.t("mail.reset.body")), logger: request.logger)
        return try await message(request, "account.reset.sent", status: .ok)
    }

    func resetConfirmPage(request: Request) async throws -> Response {
        let token = (try? request.query.get(String.self, at: "token")) ?? ""
        guard try await request.application.licna.signOn(on: request.db).resetLinkIsValid(token) else {
            return try await message(request, "account.link-invalid", status: .badRequest)
        }
        return try await form(request, "account.reset-confirm", action: "/account/reset/confirm", fields: [password(request), passwordAgain(request)], token: token)
    }

    func resetConfirm(request: Request) async throws -> Response {
        guard let form = checkedForm(request) else { return try await message(request, "account.form-expired", status: .badRequest) }
        if let throttled = try await throttled(request, count: false) { return throttled }
        let token = form.values["token"] ?? ""
        let password = form.values["password"] ?? ""
        func again(_ error: String) async throws -> Response {
            try await self.form(request, "account.reset-confirm", action: "/account/reset/confirm", fields: [self.password(request), passwordAgain(request)],
                                token: token, error: error, status: .badRequest)
        }
        guard password == form.values["password-again"] else { return try await again(request.t("account.passwords-differ")) }
        do {
            guard try await request.application.licna.signOn(on: request.db).resetPassword(token: token, password: password) else {
                countFailure(request)
                return try await message(request, "account.link-invalid", status: .badRequest)
            }
        } catch let error as SignOnError where error.code == .signOnInvalidRequest {
            return try await again(request.t(error.messageKey, error.arguments))
        } catch is PasswordHashingQueue.Busy {
            return try await busy(request)
        }
        return try await message(request, "account.reset.done", status: .ok)
    }

    // MARK: Helpers

    private func email(_ request: Request) -> Field { Field(name: "email", label: request.t("account.field.email"), type: "email", autocomplete: "email") }
    private func password(_ request: Request) -> Field {
        Field(name: "password", label: request.t("account.field.password"), type: "password", autocomplete: "new-password")
    }
    private func passwordAgain(_ request: Request) -> Field {
        Field(name: "password-again", label: request.t("account.field.password-again"), type: "password", autocomplete: "new-password")
    }

    private func baseURL(_ request: Request) -> String {
        request.application.licna.configuration.publicURL.trimmingCharacters(in: ["/"])
    }

    /// The form's fields if its CSRF token matches the page's cookie.
    func checkedForm(_ request: Request) -> FormParameters? {
        FormParameters.checked(request, cookie: Self.formCookie)
    }

    /// Posts wait out the client's throttle (growing delays, reset by quiet minutes). Every post that sends mail, and
    /// every invalid link, counts against it (`count`): registrations, reset mails and link guesses cannot be sprayed.
    private func throttled(_ request: Request, count: Bool = true) async throws -> Response? {
        let services = request.application.licna
        let now = services.configuration.clock.now
        let wait = services.signOnThrottle.wait(for: request.clientLimitKey, now: now)
        guard wait <= 0 else {
            let seconds = String(Int(wait.rounded(.up)))
            let response = try await message(request, "signon.throttled", status: .tooManyRequests, ["seconds": seconds])
            response.headers.replaceOrAdd(name: .retryAfter, value: seconds)
            return response
        }
        if count { services.signOnThrottle.failed(request.clientLimitKey, now: now) }
        return nil
    }

    private func countFailure(_ request: Request) {
        request.application.licna.signOnThrottle.failed(request.clientLimitKey, now: request.application.licna.configuration.clock.now)
    }

    private func form(_ request: Request, _ key: String, action: String, fields: [Field], token: String? = nil, error: String? = nil,
                      status: HTTPResponseStatus = .ok) async throws -> Response {
        let csrf = SignOnInteractions.random()
        let page = FormPage(title: request.t(key + ".title"), intro: request.t(key + ".intro"), action: action, csrf: csrf, token: token,
                            fields: fields, submit: request.t(key + ".submit"), error: error)
        let response = try await request.view.render("account-form", LicnaPage(request, title: page.title, body: page)).encodeResponse(for: request)
        response.status = status
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        setFormCookie(response, csrf, request)
        return response
    }

    func setFormCookie(_ response: Response, _ csrf: String, _ request: Request) {
        FormParameters.setCookie(Self.formCookie, csrf, path: "/account", on: response, request)
    }

    func message(_ request: Request, _ key: String, status: HTTPResponseStatus, _ arguments: [String: String] = [:]) async throws -> Response {
        try await SignOnController().message(request, key, status: status, arguments)
    }

    private func unavailable(_ request: Request) async throws -> Response {
        try await message(request, "account.mail-unavailable", status: .serviceUnavailable)
    }

    private func busy(_ request: Request) async throws -> Response {
        let response = try await message(request, "signon.busy", status: .serviceUnavailable)
        response.headers.replaceOrAdd(name: .retryAfter, value: "2")
        return response
    }
}
