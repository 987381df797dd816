import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import SQLKit
import Vapor

/// `licna serve --demo`'s sign-on: a demo account linked to the demo citizen Milica Vuković, a demo officer holding
/// every role (the demo prints a personal token for it at each start), and a demo relying
/// party inside the server (`/demo/signon`) that runs the authorization code flow with PKCE against this provider,
/// as a portal would, and shows what it received: the checked ID token's claims and level. Only with `--demo`.
public enum DemoSignOn {
    public static let email = "milica@demo.licna.me"
    /// The demo officer: every role, no password (officers sign in with a card or a personal token).
    public static let officerEmail = "officer@demo.licna.me"
    /// Printed in the start-up message; the demo installation is not for real people.
    public static let password = "demo-password-2026"
    /// The demo account's authenticator (RFC 6238), fixed so that the start-up message can name it at every start:
    /// password and code sign Milica in at level substantial, which the portal's documents need.
    public static let authenticatorSecret = Array("licna-demo-totp-2026".utf8)
    /// Milica's son in the demo registry (a minor): she can request his documents.
    static let childName = "Luka Bošković"
    static let clientName = "Licna demo portal"

    /// Creates the demo account and relying party when missing; returns the relying party's id, or nil when the
    /// public URL cannot carry a redirect URI (http other than 127.0.0.1 or localhost).
    @discardableResult
    public static func ensure(_ app: Application) async throws -> String? {
        let signOn = app.licna.signOn(on: app.db)
        let context = AuditContext(actor: "demo", purpose: .demoData)
        typealias Accounts = AccountsTable
        if try await app.db.sql.select().column(Accounts.id).from(Accounts.table).where(Accounts.email, .equal, email).first() == nil {
            let id = try await signOn.addAccount(email: email, password: password, emailVerified: true, context: context)
            let numbers = try await DemoCitizens.identificationNumbers(app)
            if let number = numbers["Milica Vuković"], let person = try await PersonModel.query(on: app.db).filter(\.$identificationNumber == number).first(),
               let personID = person.id {
                try await app.db.retryingTransaction { db in
                    try await db.sql.update(Accounts.table).set(Accounts.personID, to: personID.uuidString).where(Accounts.id, .equal, id).run()
                }
                if let childNumber = numbers[childName],
                   let child = try await PersonModel.query(on: app.db).filter(\.$identificationNumber == childNumber).first(), let childID = child.id {
                    try await app.licna.documents(on: app.db).linkParent(child: childID, parent: personID, source: "demo", context: context)
                }
            }
            _ = try await signOn.enrollAuthenticator(email: email, issuer: "Licna demo", secret: authenticatorSecret, context: context)
        }
        if try await app.db.sql.select().column(Accounts.id).from(Accounts.table).where(Accounts.email, .equal, officerEmail).first() == nil {
            _ = try await signOn.addAccount(email: officerEmail, password: nil, emailVerified: true, context: context)
            try await signOn.setRoles(email: officerEmail, roles: Set(OfficerRole.allCases), context: context)
        }
        if let existing = try await signOn.clients().first(where: { $0.name == clientName }) { return existing.id }
        let redirect = app.licna.configuration.publicURL.trimmingCharacters(in: ["/"]) + "/demo/signon/callback"
        do {
            return try await signOn.registerClient(name: clientName, redirectURIs: [redirect], kind: .public,
                                                   scopes: ["openid", "profile", "email", "identification_number"], claims: ["given_name", "family_name", "birthdate", "email", "email_verified", "identification_number"],
                                                   context: context).clientID
        } catch is SignOnError {
            return nil
        }
    }
}

/// The demo relying party's two pages.
struct DemoSignOnController: RouteCollection {
    static let cookieName = "licna_demo_rp"

    func boot(routes: any RoutesBuilder) throws {
        routes.get("demo", "signon", use: start)
        routes.get("demo", "signon", "callback", use: callback)
    }

    func start(request: Request) async throws -> Response {
        guard let client = try await DemoSignOn.ensure(request.application) else { throw Abort(.notFound) }
        let verifier = SignOnInteractions.random()
        let state = SignOnInteractions.random()
        let base = request.application.licna.configuration.publicURL.trimmingCharacters(in: ["/"])
        var components = URLComponents(string: base + "/oidc/authorize")
        components?.queryItems = [
            .init(name: "response_type", value: "code"), .init(name: "client_id", value: client),
            .init(name: "redirect_uri", value: base + "/demo/signon/callback"), .init(name: "scope", value: "openid profile email identification_number"),
            .init(name: "state", value: state), .init(name: "nonce", value: state),
            .init(name: "code_challenge", value: ProofKeyForCodeExchange.challenge(for: verifier)), .init(name: "code_challenge_method", value: "S256"),
        ]
        guard let url = components?.url else { throw Abort(.internalServerError) }
        let response = request.redirect(to: url.absoluteString, redirectType: .normal)
        response.cookies[Self.cookieName] = HTTPCookies.Value(string: state + "." + verifier, maxAge: 600, path: "/demo",
                                                              isSecure: request.application.licna.configuration.secureCookies,
                                                              isHTTPOnly: true, sameSite: .lax)
        return response
    }

    struct ResultPage: Encodable, Sendable {
        var error: String?
        var claims: [Claim]
        struct Claim: Encodable, Sendable { var name: String; var value: String }
    }

    func callback(request: Request) async throws -> Response {
        let parts = request.cookies[Self.cookieName]?.string.split(separator: ".").map(String.init) ?? []
        let query = FormParameters(request.url.query ?? "")?.values ?? [:]
        var page = ResultPage(error: nil, claims: [])
        if let error = query["error"] {
            page.error = error + (query["error_description"].map { ": " + $0 } ?? "")
        } else if parts.count == 2, query["state"] == parts[0], let code = query["code"],
                  let client = try await DemoSignOn.ensure(request.application) {
            let base = request.application.licna.configuration.publicURL.trimmingCharacters(in: ["/"])
            do {
                let provider = try await request.application.licna.signOn(on: request.db).provider()
                let tokens = try await provider.token(TokenRequest(form: [
                    "grant_type": "authorization_code", "code": code, "redirect_uri": base + "/demo/signon/callback", "client_id": client,
                    "code_verifier": parts[1],
                ], authorization: nil))
                let token = try JSONWebSignature(compact: tokens.idToken)
                let keys = try JSONWebKey.set(from: JSONSerialization.data(withJSONObject: provider.jwks))
                guard token.isSigned(byOneOf: keys), token.claims["nonce"] as? String == parts[0] else { throw Abort(.badGateway) }
                page.claims = token.claims.sorted { $0.key < $1.key }.map { claim in
                    let value = (claim.value as? [Any]).map { $0.map { "\($0)" }.joined(separator: ", ") } ?? "\(claim.value)"
                    return ResultPage.Claim(name: claim.key, value: value)
                }
            } catch let error as OAuthError {
                page.error = error.code.rawValue + ": " + error.description
            }
        } else {
            page.error = request.t("signon.demo.state")
        }
        let view = try await request.view.render("signon-demo", LicnaPage(request, title: request.t("signon.demo.title"), body: page))
        let response = try await view.encodeResponse(for: request)
        response.cookies[Self.cookieName] = HTTPCookies.Value(string: "", maxAge: 0, path: "/demo")
        return response
    }
}
