import Foundation
import LicnaCore
@testable import LicnaIdentityProvider
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// Issue 13, items 5 and 6: the administrator's pages give roles to officers and edit relying parties; nobody else
/// opens them, every change is audited under the administrator's name, and a form without its CSRF token changes
/// nothing.
@Suite struct AdministrationTests {
    /// GETs an administrator page with a bearer token; returns the status, the body and the form cookie.
    func open(_ app: Application, _ path: String, token: String) async throws -> (HTTPStatus, String, String?) {
        var result: (HTTPStatus, String, String?) = (.internalServerError, "", nil)
        try await app.testing().test(.GET, path, headers: ["Authorization": "Bearer \(token)", "Accept-Language": "en"]) { response in
            result = (response.status, response.body.string, response.headers.setCookie?[AdministrationController.formCookie]?.string)
        }
        return result
    }

    func post(_ app: Application, _ path: String, token: String, csrf: String?, _ fields: [(String, String)]) async throws -> (HTTPStatus, String) {
        var result: (HTTPStatus, String) = (.internalServerError, "")
        var body = fields
        if let csrf { body.append(("csrf", csrf)) }
        let encoded = body.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Accept-Language": "en", "Content-Type": "application/x-www-form-urlencoded"]
        if let csrf { headers.cookie = [AdministrationController.formCookie: .init(string: csrf)] }
        try await app.testing().test(.POST, path, headers: headers, body: .init(string: encoded)) { response in
            result = (response.status, response.body.string)
        }
        return result
    }

    @Test(arguments: TestEngine.available)
    func anAdministratorGivesRolesAndNobodyElseCan(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp { app in
            let signOn = app.licna.signOn(on: app.db)
            let boss = try await officerToken(app, email: "boss@test.licna.me", roles: [.administrator])
            let registrar = try await officerToken(app, email: "reg@test.licna.me", roles: [.registrar])
            _ = try await signOn.addAccount(email: "ana@test.licna.me", password: nil, emailVerified: true, context: .test)

            #expect(try await open(app, "officer/accounts", token: registrar).0 == .forbidden)
            let (status, page, cookie) = try await open(app, "officer/accounts", token: boss)
            #expect(status == .ok)
            #expect(page.contains("boss@test.licna.me") && page.contains("reg@test.licna.me") && !page.contains("ana@test.licna.me"))
            let csrf = try #require(cookie)

            // Without the form's token, or with another, nothing changes.
            let fields = [("email", "ana@test.licna.me"), ("role-card-officer", "on"), ("role-auditor", "on")]
            #expect(try await post(app, "officer/accounts", token: boss, csrf: nil, fields).0 == .badRequest)
            let anaID = try await signOn.accountID(email: "ana@test.licna.me")
            #expect(try await signOn.roles(accountID: anaID).isEmpty)
            // A registrar cannot give roles, even with a form token.
            #expect(try await post(app, "officer/accounts", token: registrar, csrf: csrf, fields).0 == .forbidden)
            #expect(try await signOn.roles(accountID: anaID).isEmpty)

            let (saved, answer) = try await post(app, "officer/accounts", token: boss, csrf: csrf, fields)
            #expect(saved == .ok && answer.contains("ana@test.licna.me now holds: auditor card-officer"))
            #expect(try await signOn.roles(accountID: anaID) == [.cardOfficer, .auditor])
            let actors = try await app.db.sql.raw("SELECT actor FROM audit_entries WHERE action = 'account.roles' AND object_id = \(bind: anaID)").all()
                .map { try $0.decode(column: "actor", as: String.self) }
            #expect(actors == ["officer:boss@test.licna.me"])

            // The last administrator cannot take the role from itself; an unknown account is named as such.
            let (refused, why) = try await post(app, "officer/accounts", token: boss, csrf: csrf, [("email", "boss@test.licna.me"), ("role-registrar", "on")])
            #expect(refused == .badRequest && why.contains("no administrator"))
            #expect(try await signOn.roles(accountID: try await signOn.accountID(email: "boss@test.licna.me")) == [.administrator])
            #expect(try await post(app, "officer/accounts", token: boss, csrf: csrf, [("email", "nobody@test.licna.me")]).0 == .notFound)
        }
    }

    @Test(arguments: TestEngine.available)
    func anAdministratorEditsRelyingPartiesWithinTheRules(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp { app in
            let signOn = app.licna.signOn(on: app.db)
            let boss = try await officerToken(app, email: "boss@test.licna.me", roles: [.administrator])
            let made = try await signOn.registerClient(name: "Poreska uprava", redirectURIs: ["https://tax.example.me/cb"], kind: .confidential,
                                                       context: .test)
            let clientID = made.clientID
            let before = try #require(try await signOn.clients().first { $0.id == clientID })
            let (status, page, cookie) = try await open(app, "officer/clients", token: boss)
            #expect(status == .ok && page.contains("Poreska uprava") && page.contains("https://tax.example.me/cb"))
            let csrf = try #require(cookie)
            #expect(try await open(app, "officer/clients", token: try await officerToken(app, email: "ca@test.licna.me", roles: [.caOperator])).0
                == .forbidden)

            // A redirect URI that is not https is refused and nothing changes; a claim outside the list is ignored by
            // the form and refused by the service; the JMBG is never an entitlement.
            let bad = [("name", "Poreska uprava"), ("redirect", "http://tax.example.me/cb"), ("level", LevelOfAssurance.low.uri)]
            #expect(try await post(app, "officer/clients/\(clientID)", token: boss, csrf: csrf, bad).0 == .badRequest)
            #expect(try await signOn.clients().first { $0.id == clientID } == before)
            await #expect(throws: SignOnError.self) {
                try await signOn.updateClient(id: clientID, name: "x", redirectURIs: ["https://tax.example.me/cb"], postLogoutRedirectURIs: [],
                                              scopes: ["openid"], claims: ["jmbg"], minimumLevel: .low, context: .test)
            }

            let fields = [("name", "Uprava prihoda"), ("redirect", "https://tax.example.me/cb\nhttps://tax.example.me/cb2"),
                          ("scope-openid", "on"), ("scope-identification_number", "on"), ("claim-identification_number", "on"),
                          ("claim-given_name", "on"), ("claim-jmbg", "on"), ("level", LevelOfAssurance.substantial.uri)]
            let (saved, answer) = try await post(app, "officer/clients/\(clientID)", token: boss, csrf: csrf, fields)
            #expect(saved == .ok && answer.contains("The relying party is saved"))
            let after = try #require(try await signOn.clients().first { $0.id == clientID })
            #expect(after.name == "Uprava prihoda")
            #expect(after.redirectURIs == ["https://tax.example.me/cb", "https://tax.example.me/cb2"])
            #expect(after.scopes == ["openid", "identification_number"] && after.claims == ["identification_number", "given_name"])
            #expect(after.minimumLevel == .substantial)
            // What pairwise identifiers hang on stays: the id, the authentication, the sector.
            #expect(after.id == before.id && after.authentication == before.authentication && after.sectorIdentifier == before.sectorIdentifier)
            let detail = try await app.db.sql.raw("SELECT actor, detail FROM audit_entries WHERE action = 'client.update' AND object_id = \(bind: clientID)")
                .first()
            #expect(try detail?.decode(column: "actor", as: String.self) == "officer:boss@test.licna.me")
            #expect(try detail?.decode(column: "detail", as: String.self).contains("minimum level: http://eidas.europa.eu/LoA/substantial") == true)

            // A new secret: shown once on the page, the old one stops.
            let (made2, secretPage) = try await post(app, "officer/clients/\(clientID)/secret", token: boss, csrf: csrf, [])
            #expect(made2 == .ok)
            let secret = try #require(secretPage.firstMatch(of: #/id="client-secret">([A-Za-z0-9_-]{43})</#)?.output.1).description
            let rotated = try #require(try await signOn.clients().first { $0.id == clientID })
            #expect(rotated.authentication == .secretBasic(secretSHA256: RelyingParty.hashSecret(secret)))
            #expect(rotated.authentication != .secretBasic(secretSHA256: RelyingParty.hashSecret(made.secret ?? "")))
            // A public client has no secret to renew.
            let publicClient = try await signOn.registerClient(name: "App", redirectURIs: ["https://app.example.me/cb"], kind: .public, context: .test)
            #expect(try await post(app, "officer/clients/\(publicClient.clientID)/secret", token: boss, csrf: csrf, []).0 == .badRequest)
            #expect(try await post(app, "officer/clients/unknown/secret", token: boss, csrf: csrf, []).0 == .notFound)
        }
    }
}
