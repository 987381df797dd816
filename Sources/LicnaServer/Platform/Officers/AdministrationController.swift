import LicnaCore
import LicnaIdentityProvider
import Vapor

/// The administrator's pages (issue 13, items 5 and 6), for officers holding the `administrator` role:
/// - `/officer/accounts`: who holds which roles, and a form that sets an account's roles by email;
/// - `/officer/clients`: the relying parties, each with a form that edits its name, redirect URIs, scopes, claims and
///   lowest level, and a new secret for a confidential client (shown once).
/// Every change is audited under the administrator's name. Forms carry a CSRF token that must match a cookie the page
/// set (double submit), beside the session cookies' SameSite.
struct AdministrationController: RouteCollection {
    static let formCookie = "licna_admin_form"

    func boot(routes: any RoutesBuilder) throws {
        let administrator = routes.grouped(OfficerGuardMiddleware([.administrator])).grouped("officer")
        administrator.get("accounts", use: accountsPage)
        administrator.post("accounts", use: setRoles)
        administrator.get("clients", use: clientsPage)
        administrator.post("clients", ":id", use: updateClient)
        administrator.post("clients", ":id", "secret", use: newSecret)
    }

    struct AccountsPage: Encodable, Sendable {
        struct Row: Encodable, Sendable { var email: String; var roles: String }
        struct Role: Encodable, Sendable { var name: String; var label: String }
        var officers: [Row]
        var roles: [Role]
        var csrf: String
        var notice: String?
        var error: String?
    }

    struct ClientsPage: Encodable, Sendable {
        struct Client: Encodable, Sendable {
            var id, name, authentication, sector, redirectURIs, postLogoutRedirectURIs: String
            var scopes: [Choice]
            var claims: [Choice]
            var levels: [Choice]
            var confidential: Bool
        }
        struct Choice: Encodable, Sendable { var value: String; var label: String; var checked: Bool }
        var clients: [Client]
        var csrf: String
        var notice: String?
        var secret: String?
        var error: String?
    }

    func accountsPage(request: Request) async throws -> Response {
        try await renderAccounts(request, notice: nil, error: nil, status: .ok)
    }

    func setRoles(request: Request) async throws -> Response {
        guard let form = checkedForm(request) else { return try await renderAccounts(request, notice: nil, error: request.t("account.form-expired"), status: .badRequest) }
        let email = form.values["email"] ?? ""
        let roles = Set(OfficerRole.allCases.filter { form.values["role-" + $0.rawValue] == "on" })
        do {
            try await request.application.licna.signOn(on: request.db).setRoles(email: email, roles: roles, context: context(request),
                                                                                keepingAnAdministrator: true)
        } catch let error as SignOnError {
            return try await renderAccounts(request, notice: nil, error: request.t(error.messageKey, error.arguments), status: error.httpStatus)
        }
        let notice = request.t("officer.admin.roles-set", ["email": String(email.lowercased().prefix(254)),
                                                           "roles": roles.isEmpty ? request.t("officer.admin.no-roles") : OfficerRole.text(roles)])
        return try await renderAccounts(request, notice: notice, error: nil, status: .ok)
    }

    func clientsPage(request: Request) async throws -> Response {
        try await renderClients(request, ClientsPage(clients: [], csrf: ""), status: .ok)
    }

    func updateClient(request: Request) async throws -> Response {
        guard let form = checkedForm(request) else {
            return try await renderClients(request, ClientsPage(clients: [], csrf: "", error: request.t("account.form-expired")), status: .badRequest)
        }
        let id = request.parameters.get("id") ?? ""
        let lines = { (name: String) in (form.values[name] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        let scopes = Set(SignOnService.registrableScopes.filter { form.values["scope-" + $0] == "on" })
        let claims = Set(SignOnService.entitlableClaims.filter { form.values["claim-" + $0] == "on" })
        do {
            guard let level = LevelOfAssurance(acr: form.values["level"] ?? "") else { throw SignOnError.invalid("choose the lowest level") }
            try await request.application.licna.signOn(on: request.db).updateClient(
                id: id, name: (form.values["name"] ?? "").trimmingCharacters(in: .whitespaces), redirectURIs: lines("redirect"),
                postLogoutRedirectURIs: lines("logout"), scopes: scopes, claims: claims, minimumLevel: level, context: context(request))
        } catch let error as SignOnError {
            return try await renderClients(request, ClientsPage(clients: [], csrf: "", error: request.t(error.messageKey, error.arguments)),
                                           status: error.httpStatus)
        }
        return try await renderClients(request, ClientsPage(clients: [], csrf: "", notice: request.t("officer.admin.client-saved")), status: .ok)
    }

    func newSecret(request: Request) async throws -> Response {
        guard checkedForm(request) != nil else {
            return try await renderClients(request, ClientsPage(clients: [], csrf: "", error: request.t("account.form-expired")), status: .badRequest)
        }
        do {
            let secret = try await request.application.licna.signOn(on: request.db).newClientSecret(id: request.parameters.get("id") ?? "",
                                                                                                    context: context(request))
            return try await renderClients(request, ClientsPage(clients: [], csrf: "", notice: request.t("officer.admin.secret-made"), secret: secret),
                                           status: .ok)
        } catch let error as SignOnError {
            return try await renderClients(request, ClientsPage(clients: [], csrf: "", error: request.t(error.messageKey, error.arguments)),
                                           status: error.httpStatus)
        }
    }

    private func context(_ request: Request) -> AuditContext {
        AuditContext(actor: request.officerActor, purpose: .signOn)
    }

    private func renderAccounts(_ request: Request, notice: String?, error: String?, status: HTTPResponseStatus) async throws -> Response {
        let officers = try await request.application.licna.signOn(on: request.db).officers().map {
            AccountsPage.Row(email: $0.email ?? $0.accountID, roles: OfficerRole.text($0.roles))
        }
        let page = AccountsPage(officers: officers, roles: OfficerRole.allCases.map { .init(name: $0.rawValue, label: request.t("officer.role." + $0.rawValue)) },
                                csrf: SignOnInteractions.random(), notice: notice, error: error)
        return try await render(request, "officer-accounts", "officer.admin.accounts-title", page, csrf: page.csrf, status: status)
    }

    private func renderClients(_ request: Request, _ page: ClientsPage, status: HTTPResponseStatus) async throws -> Response {
        var page = page
        page.csrf = SignOnInteractions.random()
        page.clients = try await request.application.licna.signOn(on: request.db).clients().map { party in
            let authentication = switch party.authentication {
            case .none: "none (PKCE)"
            case .secretBasic: "client_secret_basic"
            case .privateKeyJWT: "private_key_jwt"
            case .privateKeyJWTURI(let uri): "private_key_jwt (\(uri))"
            }
            return ClientsPage.Client(
                id: party.id, name: party.name, authentication: authentication, sector: party.sectorIdentifier,
                redirectURIs: party.redirectURIs.joined(separator: "\n"), postLogoutRedirectURIs: party.postLogoutRedirectURIs.joined(separator: "\n"),
                scopes: SignOnService.registrableScopes.map { .init(value: $0, label: $0, checked: party.scopes.contains($0)) },
                claims: SignOnService.entitlableClaims.map { .init(value: $0, label: request.t("signon.claim." + $0), checked: party.claims.contains($0)) },
                levels: LevelOfAssurance.allCases.map { .init(value: $0.uri, label: request.t("signon.level.\($0)"), checked: party.minimumLevel == $0) },
                confidential: { if case .secretBasic = party.authentication { true } else { false } }())
        }
        return try await render(request, "officer-clients", "officer.admin.clients-title", page, csrf: page.csrf, status: status)
    }

    private func render(_ request: Request, _ template: String, _ title: String, _ body: some Encodable & Sendable, csrf: String,
                        status: HTTPResponseStatus) async throws -> Response {
        let response = try await request.view.render(template, LicnaPage(request, title: request.t(title), body: body)).encodeResponse(for: request)
        response.status = status
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        FormParameters.setCookie(Self.formCookie, csrf, path: "/officer", on: response, request)
        return response
    }

    private func checkedForm(_ request: Request) -> FormParameters? {
        FormParameters.checked(request, cookie: Self.formCookie)
    }
}
