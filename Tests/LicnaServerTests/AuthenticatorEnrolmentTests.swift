import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// Issue 13, item 2: the account page adds an authenticator. Only a sign-in at level substantial or high may; the
/// new secret counts only after a right code; an offer is bound to its account and lives ten minutes; the QR code
/// holds the `otpauth://` URI of the secret the page shows (read back by ZBar in `QRCodeTests`).
@Suite struct AuthenticatorEnrolmentTests {
    struct Page { var status: HTTPStatus; var body: String; var csrf: String? }

    func post(_ app: Application, _ path: String, session: String, csrf: String?, _ fields: [String: String] = [:]) async throws -> Page {
        var page = Page(status: .internalServerError, body: "", csrf: nil)
        var form = fields
        if let csrf { form["csrf"] = csrf }
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"]
        var cookies = HTTPCookies()
        cookies[SignOnController.sessionCookieName] = .init(string: session)
        if let csrf { cookies[AccountController.formCookie] = .init(string: csrf) }
        headers.cookie = cookies
        try await app.testing().test(.POST, path, headers: headers, body: .init(string: body)) { response in
            page = Page(status: response.status, body: response.body.string, csrf: response.headers.setCookie?[AccountController.formCookie]?.string)
        }
        return page
    }

    func accountPage(_ app: Application, session: String) async throws -> Page {
        var page = Page(status: .internalServerError, body: "", csrf: nil)
        try await app.testing().test(.GET, "account", headers: ["Accept-Language": "en"], beforeRequest: { request in
            request.headers.cookie = [SignOnController.sessionCookieName: .init(string: session)]
        }) { response in
            page = Page(status: response.status, body: response.body.string, csrf: response.headers.setCookie?[AccountController.formCookie]?.string)
        }
        return page
    }

    static func field(_ name: String, in body: String) -> String? {
        body.firstMatch(of: try! Regex("name=\"\(name)\" value=\"([^\"]+)\""))?.output[1].substring.map(String.init)
    }

    @Test(arguments: TestEngine.available)
    func aCardSignInAddsAnAuthenticatorThatCountsAfterARightCode(engine: TestEngine) async throws {
        let clock = AdjustableWallClock()
        try await TestInstallation.make(engine).withApp(clock: clock, demo: true) { app in
            let signOn = app.licna.signOn(on: app.db)
            let milica = try await signOn.accountID(email: DemoSignOn.email)
            // The demo gives Milica an authenticator (its secret is in the start-up message); this test starts without.
            #expect(try await signOn.factors(accountID: milica).hasAuthenticator)
            try await app.db.sql.update(AccountsTable.table).set(AccountsTable.totpSealed, to: SQLLiteral.null).where(AccountsTable.id, .equal, milica).run()
            #expect(try await !signOn.factors(accountID: milica).hasAuthenticator)

            // A password sign-in (low) is offered no enrolment, and a forged post is refused.
            let low = try await signOn.startSession(SignIn(accountID: milica, level: .low, methods: ["pwd"], authenticatedAt: clock.now))
            let lowPage = try await accountPage(app, session: low)
            #expect(lowPage.body.contains("A password alone cannot add a second factor") && !lowPage.body.contains("action=\"/account/authenticator\""))
            #expect(try await post(app, "account/authenticator", session: low, csrf: lowPage.csrf).status == .forbidden)

            // A card sign-in (high) is.
            let high = try await signOn.startSession(SignIn(accountID: milica, level: .high, methods: ["sc", "hwk", "pin"], authenticatedAt: clock.now))
            let account = try await accountPage(app, session: high)
            #expect(account.body.contains("action=\"/account/authenticator\""))
            #expect(try await post(app, "account/authenticator", session: high, csrf: nil).status == .badRequest)
            let offer = try await post(app, "account/authenticator", session: high, csrf: account.csrf)
            #expect(offer.status == .ok && offer.body.contains("<svg") && offer.body.contains("id=\"authenticator-secret\""))
            let pending = try #require(Self.field("pending", in: offer.body))
            let shown = try #require(offer.body.firstMatch(of: #/id="authenticator-secret">([A-Z2-7 ]+)</#)?.output.1).filter { $0 != " " }
            let secret = try #require(SignOnAccountTests.base32Decode(String(shown)))
            // Nothing is in force yet.
            #expect(try await !signOn.factors(accountID: milica).hasAuthenticator)

            // A wrong code, another account's session, or an altered offer change nothing.
            let totp = TimeBasedOneTimePassword(secret: secret)
            let right = totp.code(step: totp.step(at: clock.now))
            let wrong = right == "000000" ? "111111" : "000000"
            let refused = try await post(app, "account/authenticator/confirm", session: high, csrf: offer.csrf, ["pending": pending, "code": wrong])
            #expect(refused.status == .badRequest && refused.body.contains("That code is not right"))
            let other = try await signOn.addAccount(email: "other@test.licna.me", password: nil, emailVerified: true, context: .test)
            let otherHigh = try await signOn.startSession(SignIn(accountID: other, level: .high, methods: ["sc"], authenticatedAt: clock.now))
            #expect(try await post(app, "account/authenticator/confirm", session: otherHigh, csrf: offer.csrf, ["pending": pending, "code": right]).status
                == .badRequest)
            var altered = Array(pending)
            altered[altered.count - 3] = altered[altered.count - 3] == "A" ? "B" : "A"
            #expect(try await post(app, "account/authenticator/confirm", session: high, csrf: offer.csrf,
                                   ["pending": String(altered), "code": right]).status == .badRequest)
            #expect(try await !signOn.factors(accountID: milica).hasAuthenticator)
            #expect(try await !signOn.factors(accountID: other).hasAuthenticator)

            // The right code puts it in force, audited; that code is spent; the next step is no longer "add one".
            let done = try await post(app, "account/authenticator/confirm", session: high, csrf: refused.csrf, ["pending": pending, "code": right])
            #expect(done.status == .ok && done.body.contains("Your authenticator is added"))
            #expect(try await signOn.factors(accountID: milica).hasAuthenticator)
            #expect(try await !signOn.verifyAuthenticator(accountID: milica, code: right))
            clock.advance(30)
            #expect(try await signOn.verifyAuthenticator(accountID: milica, code: totp.code(step: totp.step(at: clock.now))))
            let audit = try await app.db.sql.raw("SELECT detail FROM audit_entries WHERE action = 'account.authenticator' AND object_id = \(bind: milica)").all()
            // The demo's own enrolment comes first.
            #expect(try audit.map { try $0.decode(column: "detail", as: String.self) } == ["TOTP authenticator enrolled", "TOTP authenticator enrolled on the account page"])
            let again = try await accountPage(app, session: high)
            #expect(again.body.contains("Replace your authenticator"))

            // An offer lives ten minutes.
            let late = try await post(app, "account/authenticator", session: high, csrf: again.csrf)
            let latePending = try #require(Self.field("pending", in: late.body))
            clock.advance(601)
            let stale = try await post(app, "account/authenticator/confirm", session: high, csrf: late.csrf,
                                       ["pending": latePending, "code": totp.code(step: totp.step(at: clock.now))])
            #expect(stale.status == .badRequest && stale.body.contains("more than ten minutes old"))
        }
    }
}
