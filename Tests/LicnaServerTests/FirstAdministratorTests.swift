import Foundation
import LicnaCore
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// Issue 13, item 6: the admin token is kept only to create the first administrator. Before an administrator exists
/// it names one (page or API) and does nothing else; afterwards it opens nothing at all.
@Suite struct FirstAdministratorTests {
    @Test(arguments: TestEngine.available)
    func theAdminTokenNamesOneAdministratorAndThenNothing(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(demo: true) { app in
            let admin: HTTPHeaders = ["Authorization": "Bearer \(TestInstallation.adminToken)", "Content-Type": "application/json", "Accept-Language": "en"]
            let signOn = app.licna.signOn(on: app.db)
            // The demo's officer holds every role, administrator included: start from an installation without one.
            try await signOn.setRoles(email: DemoSignOn.officerEmail, roles: [], context: .test)
            #expect(try await signOn.administratorExists() == false)
            _ = try await signOn.addAccount(email: "ana@test.licna.me", password: nil, emailVerified: true, context: .test)
            try await signOn.setRoles(email: "ana@test.licna.me", roles: [.registrar], context: .test)

            // Nothing but naming: the registry and the card API refuse it with a reason.
            for path in ["api/registry/search", "api/cards/applications"] {
                try await app.testing().test(.POST, path, headers: admin, body: .init(string: "{}")) { response in
                    #expect(response.status == .forbidden)
                    let error = try response.content.decode([String: String].self)["error"]
                    #expect(error == "admin-token-limited")
                }
            }
            // Without the token, or with a wrong one, naming is refused; an unknown account is a 404.
            try await app.testing().test(.POST, "api/officers/first-administrator", headers: ["Content-Type": "application/json"],
                                         body: .init(string: #"{"email":"ana@test.licna.me"}"#)) { #expect($0.status == .unauthorized) }
            try await app.testing().test(.POST, "api/officers/first-administrator", headers: ["Authorization": "Bearer lo_x", "Content-Type": "application/json"],
                                         body: .init(string: #"{"email":"ana@test.licna.me"}"#)) { #expect($0.status == .unauthorized) }
            try await app.testing().test(.POST, "api/officers/first-administrator", headers: admin,
                                         body: .init(string: #"{"email":"nobody@test.licna.me"}"#)) { #expect($0.status == .notFound) }
            #expect(try await signOn.administratorExists() == false)

            try await app.testing().test(.POST, "api/officers/first-administrator", headers: admin,
                                         body: .init(string: #"{"email":"Ana@test.licna.me"}"#)) { response in
                #expect(response.status == .ok)
                let administrator = try response.content.decode([String: String].self)["administrator"]
                #expect(administrator == "ana@test.licna.me")
            }
            // The account keeps its roles and gains the administrator's; the audit trail says who named it.
            let id = try await signOn.accountID(email: "ana@test.licna.me")
            #expect(try await signOn.roles(accountID: id) == [.registrar, .administrator])
            let entries = try await app.db.sql.raw("SELECT actor, detail FROM audit_entries WHERE action = 'account.roles' AND object_id = \(bind: id)").all()
            #expect(try entries.contains { try $0.decode(column: "actor", as: String.self) == "admin-token"
                && $0.decode(column: "detail", as: String.self).hasPrefix("first administrator") })

            // A second naming is refused, by the API and by the page; the sign-in page refuses the token.
            try await app.testing().test(.POST, "api/officers/first-administrator", headers: admin,
                                         body: .init(string: #"{"email":"officer@demo.licna.me"}"#)) { response in
                #expect(response.status == .conflict)
                let error = try response.content.decode([String: String].self)["error"]
                #expect(error == "signon-administrator-exists")
            }
            #expect(try await signOn.roles(accountID: try await signOn.accountID(email: DemoSignOn.officerEmail)).isEmpty)
            try await app.testing().test(.POST, "officer/login", headers: ["Accept-Language": "en"], beforeRequest: {
                try $0.content.encode(["token": TestInstallation.adminToken], as: .urlEncodedForm)
            }) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers.setCookie?[OfficerGuardMiddleware.cookieName] == nil)
                #expect(response.body.string.contains("the admin token opens nothing more"))
            }
        }
    }

    @Test func theFirstAdministratorPageNamesOneAndEndsItsSession() async throws {
        try await TestInstallation.make(.sqlite).withApp { app in
            let signOn = app.licna.signOn(on: app.db)
            _ = try await signOn.addAccount(email: "boss@test.licna.me", password: nil, emailVerified: true, context: .test)
            var cookie: String?
            try await app.testing().test(.POST, "officer/login", beforeRequest: {
                try $0.content.encode(["token": TestInstallation.adminToken], as: .urlEncodedForm)
            }) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/officer/first-administrator")
                cookie = response.headers.setCookie?[OfficerGuardMiddleware.cookieName]?.string
            }
            let session = try #require(cookie)
            let withSession: @Sendable (inout TestingHTTPRequest) async throws -> Void = { $0.headers.cookie = [OfficerGuardMiddleware.cookieName: .init(string: session)] }
            // The session opens the naming page, and no other officer page.
            try await app.testing().test(.GET, "officer/first-administrator", headers: ["Accept-Language": "en"], beforeRequest: withSession) { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("name=\"email\""))
            }
            try await app.testing().test(.GET, "officer/registry", beforeRequest: withSession) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/officer/first-administrator")
            }
            // Without the session the page sends to the sign-in.
            try await app.testing().test(.GET, "officer/first-administrator") { #expect($0.headers.first(name: .location) == "/officer/login") }
            try await app.testing().test(.POST, "officer/first-administrator", headers: ["Accept-Language": "en"], beforeRequest: {
                try await withSession(&$0)
                try $0.content.encode(["email": "boss@test.licna.me"], as: .urlEncodedForm)
            }) { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("boss@test.licna.me is now the administrator"))
            }
            #expect(try await signOn.roles(accountID: try await signOn.accountID(email: "boss@test.licna.me")) == [.administrator])
            // Its work done, the session is over.
            try await app.testing().test(.GET, "officer/first-administrator", beforeRequest: withSession) {
                #expect($0.headers.first(name: .location) == "/officer/login")
            }
        }
    }
}
