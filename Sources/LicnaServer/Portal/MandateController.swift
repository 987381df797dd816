import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import LicnaPortal
import Vapor

/// Mandates on the citizen's pages (issue 14, item 6): `/account/mandates` lists those given and received, with
/// withdraw buttons and the form for a new one; the form's post shows what is to be signed and a nonce for the card,
/// which `licna-card agent` signs (`card-agent.js`, as on the card sign-in page); the signed token's post registers it.
struct MandateController: RouteCollection {
    static let formCookie = "licna_mandates_form"

    func boot(routes: any RoutesBuilder) throws {
        routes.get("account", "mandates", use: page)
        routes.on(.POST, "account", "mandates", "draft", body: .collect(maxSize: "16kb"), use: draft)
        routes.on(.POST, "account", "mandates", body: .collect(maxSize: "64kb"), use: grant)
        routes.on(.POST, "account", "mandates", "revoke", body: .collect(maxSize: "16kb"), use: revoke)
    }

    struct Row: Encodable, Sendable {
        let id: String
        let person: String
        let services: String
        let from: String
        let until: String
        let state: String
        let active: Bool
    }

    struct Choice: Encodable, Sendable {
        let id: String
        let name: String
        let checked: Bool
    }

    struct Page: Encodable, Sendable {
        let given: [Row]
        let received: [Row]
        let services: [Choice]
        let longestDays: Int
        let csrf: String
        let notice: String?
        let error: String?
        let proxyNumber: String
        let proxySurname: String
        let days: Int
    }

    struct Fact: Encodable, Sendable {
        let label: String
        let value: String
    }

    struct SignPage: Encodable, Sendable {
        let facts: [Fact]
        let statement: String
        let nonce: String
        let agent: String
        let csrf: String
        let proxyNumber: String
        let proxySurname: String
        let services: [String]
        let days: Int
        let validFrom: Int64
        let error: String?
    }

    private func serviceName(_ id: String, _ request: Request) -> String {
        request.application.licna.catalogue.current.catalogue.service(id)?.text(request.serviceLocale).name ?? id
    }

    private func date(_ date: Date, _ request: Request) -> String {
        DocumentIssuanceService.date(CivilDate(date, in: request.application.licna.configuration.clock.timeZone).iso8601)
    }

    /// `GET /account/mandates`.
    func page(request: Request) async throws -> Response {
        guard let (_, personID) = try await request.signedInPerson() else { return request.redirect(to: "/account/signin", redirectType: .normal) }
        let notice = request.query[String.self, at: "done"].flatMap { ["granted", "revoked"].contains($0) ? request.t("mandates.done.\($0)") : nil }
        return try await render(request, personID: personID, notice: notice)
    }

    private func render(_ request: Request, personID: String, notice: String? = nil, error: String? = nil, chosen: Set<String> = [],
                        proxyNumber: String = "", proxySurname: String = "", days: Int = 90, status: HTTPResponseStatus = .ok) async throws -> Response {
        let services = request.application.licna
        let mandates = services.mandates(on: request.db)
        let (given, received) = try await mandates.mandates(personID: personID)
        let names = try await mandates.partyNames(given: given, received: received)
        let now = services.configuration.clock.now
        func row(_ mandate: MandateService.Mandate, other: String) -> Row {
            let state = mandate.revokedAt != nil ? "revoked" : mandate.validUntil <= now ? "expired" : mandate.validFrom > now ? "future" : "active"
            return Row(id: mandate.id, person: names[other] ?? "—", services: mandate.services.map { serviceName($0, request) }.joined(separator: ", "),
                       from: date(mandate.validFrom, request), until: date(mandate.validUntil, request), state: request.t("mandates.state.\(state)"),
                       active: mandate.revokedAt == nil && mandate.validUntil > now)
        }
        let csrf = SignOnInteractions.random()
        let page = Page(given: given.map { row($0, other: $0.proxyID) }, received: received.map { row($0, other: $0.grantorID) },
                        services: MandateService.services.map { Choice(id: $0, name: serviceName($0, request), checked: chosen.contains($0)) },
                        longestDays: MandateService.longestDays, csrf: csrf, notice: notice, error: error, proxyNumber: proxyNumber,
                        proxySurname: proxySurname, days: days)
        let response = try await request.view.render("account-mandates", LicnaPage(request, title: request.t("mandates.title"), body: page))
            .encodeResponse(status: status, for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        FormParameters.setCookie(Self.formCookie, csrf, path: "/account/mandates", on: response, request)
        return response
    }

    /// What the form (or the signing page) posted: proxy, surname, services, days and, from the signing page, the start.
    private struct Chosen {
        let proxyNumber: String
        let proxySurname: String
        let services: [String]
        let days: Int
        let validFrom: Date?

        init(_ form: FormParameters) {
            proxyNumber = String((form.values["proxy"] ?? "").prefix(32))
            proxySurname = String((form.values["surname"] ?? "").prefix(100))
            services = MandateService.services.filter { form.values["service." + $0] != nil }
            days = Int(form.values["days"] ?? "") ?? 0
            validFrom = form.values["from"].flatMap(Int64.init).map { Date(timeIntervalSince1970: Double($0)) }
        }
    }

    /// The checked form's choice as a draft, or the form again with what is wrong (and what was typed). `signing`
    /// posts carry the draft's start back; a first post starts it now.
    private enum Checked {
        case draft(SignIn, MandateService.Draft, Chosen, FormParameters)
        case answer(Response)
    }

    private func checked(_ request: Request, signing: Bool) async throws -> Checked {
        guard let form = FormParameters.checked(request, cookie: Self.formCookie) else {
            return .answer(try await SignOnController().message(request, "account.form-expired", status: .badRequest))
        }
        guard let (signIn, personID) = try await request.signedInPerson() else { return .answer(request.redirect(to: "/account/signin", redirectType: .normal)) }
        let chosen = Chosen(form)
        do {
            let draft = try await request.application.licna.mandates(on: request.db).draft(
                accountID: signIn.accountID, proxyNumber: chosen.proxyNumber, proxySurname: chosen.proxySurname, services: chosen.services,
                days: chosen.days, validFrom: signing ? chosen.validFrom ?? .distantPast : nil)
            return .draft(signIn, draft, chosen, form)
        } catch let error as DocumentIssuanceError where error.category == .invalidInput || error.category == .forbidden {
            return .answer(try await render(request, personID: personID, error: request.t(error.messageKey, error.arguments), chosen: Set(chosen.services),
                                             proxyNumber: chosen.proxyNumber, proxySurname: chosen.proxySurname, days: chosen.days, status: .badRequest))
        }
    }

    /// `POST /account/mandates/draft`: checks the choice and shows what the card will sign, with the nonce.
    func draft(request: Request) async throws -> Response {
        switch try await checked(request, signing: false) {
        case .answer(let response): return response
        case .draft(let signIn, let draft, let chosen, _): return try await signingPage(request, draft: draft, chosen: chosen, accountID: signIn.accountID, error: nil)
        }
    }

    private func signingPage(_ request: Request, draft: MandateService.Draft, chosen: Chosen, accountID: String, error: String?,
                             status: HTTPResponseStatus = .ok) async throws -> Response {
        let services = request.application.licna
        let nonce = try await services.mandates(on: request.db).nonce(for: draft, accountID: accountID)
        let csrf = SignOnInteractions.random()
        let page = SignPage(
            facts: [
                Fact(label: request.t("mandates.sign.grantor"), value: "\(draft.grantor.givenName) \(draft.grantor.surname) (\(draft.grantor.identificationNumber))"),
                Fact(label: request.t("mandates.sign.proxy"), value: "\(draft.proxy.givenName) \(draft.proxy.surname) (\(draft.proxy.identificationNumber))"),
                Fact(label: request.t("mandates.field.services"), value: draft.services.map { serviceName($0, request) }.joined(separator: ", ")),
                Fact(label: request.t("mandates.sign.period"), value: "\(date(draft.validFrom, request)) – \(date(draft.validUntil, request))"),
            ],
            statement: draft.statement, nonce: nonce.nonce, agent: services.configuration.cardAgentURL, csrf: csrf,
            proxyNumber: chosen.proxyNumber, proxySurname: chosen.proxySurname, services: draft.services, days: draft.days,
            validFrom: Int64(draft.validFrom.timeIntervalSince1970), error: error)
        let response = try await request.view.render("account-mandate-sign", LicnaPage(request, title: request.t("mandates.sign.title"), body: page))
            .encodeResponse(status: status, for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        // The page's script talks to the card agent on loopback.
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: SecurityHeadersMiddleware.contentSecurityPolicy(connect: services.configuration.cardAgentURL))
        FormParameters.setCookie(Self.formCookie, csrf, path: "/account/mandates", on: response, request)
        return response
    }

    /// `POST /account/mandates` (the signing page: the draft's fields and `token`, the agent's Web eID token).
    func grant(request: Request) async throws -> Response {
        let signIn: SignIn, draft: MandateService.Draft, chosen: Chosen, form: FormParameters
        switch try await checked(request, signing: true) {
        case .answer(let response): return response
        case .draft(let checkedSignIn, let checkedDraft, let checkedChoice, let checkedForm): (signIn, draft, chosen, form) = (checkedSignIn, checkedDraft, checkedChoice, checkedForm)
        }
        let mandates = request.application.licna.mandates(on: request.db)
        do {
            guard let text = form.values["token"], text.utf8.count <= 32_768,
                  let token = try? JSONDecoder().decode(CardSignedToken.self, from: Data(text.utf8)) else {
                throw CardIssuanceError.token("the signature is not a Web eID token in JSON")
            }
            _ = try await mandates.grant(draft, token: token, accountID: signIn.accountID)
        } catch let error as any LicnaError where error is CardIssuanceError || error is DocumentIssuanceError {
            request.logger.notice("mandate signature refused", metadata: ["error": "\(error.code.rawValue)"])
            let text = error.code == .cardNonce ? request.t("signon.card.expired") : request.t(error.messageKey, error.arguments)
            return try await signingPage(request, draft: draft, chosen: chosen, accountID: signIn.accountID, error: text, status: .unauthorized)
        }
        return request.redirect(to: "/account/mandates?done=granted", redirectType: .normal)
    }

    /// `POST /account/mandates/revoke` (csrf, id): the grantor withdraws, or the proxy renounces.
    func revoke(request: Request) async throws -> Response {
        guard let form = FormParameters.checked(request, cookie: Self.formCookie) else {
            return try await SignOnController().message(request, "account.form-expired", status: .badRequest)
        }
        guard let (signIn, _) = try await request.signedInPerson() else { return request.redirect(to: "/account/signin", redirectType: .normal) }
        try await request.application.licna.mandates(on: request.db).revoke(form.values["id"] ?? "", accountID: signIn.accountID)
        return request.redirect(to: "/account/mandates?done=revoked", redirectType: .normal)
    }
}
