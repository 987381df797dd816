import Crypto
import Foundation
import LicnaBasics
import LicnaCore
@testable import LicnaServer
import Testing
import VaporTesting

/// Issue 10, item 6: officer sessions kept on the server, with a lifetime, an idle timeout, logout that ends them, a new
/// token that ends them, a session key that is not the token's hash, throttled sign-in and no weak tokens. Issue 13:
/// the admin token's session opens only the first-administrator page; an officer's personal token opens the pages its
/// roles allow, for as long as the token lives.
@Suite struct OfficerSessionTests {
    func signIn(_ app: Application, token: String = TestInstallation.adminToken) async throws -> (status: HTTPStatus, cookie: String?) {
        var result: (HTTPStatus, String?) = (.internalServerError, nil)
        try await app.testing().test(.POST, "officer/login", beforeRequest: { try $0.content.encode(["token": token], as: .urlEncodedForm) }) { response in
            result = (response.status, response.headers.setCookie?[OfficerGuardMiddleware.cookieName]?.string)
        }
        return result
    }

    /// The page an admin-token session opens (issue 13: the token only names the first administrator).
    func officerPage(_ app: Application, cookie: String, path: String = "officer/first-administrator") async throws -> HTTPStatus {
        var status = HTTPStatus.internalServerError
        try await app.testing().test(.GET, path, beforeRequest: { request in
            request.headers.cookie = [OfficerGuardMiddleware.cookieName: .init(string: cookie)]
        }) { response in
            status = response.status  // 200 with a session; a redirect to the sign-in page without
        }
        return status
    }

    @Test(arguments: TestEngine.available)
    func sessionsEndAfterEightHoursAfterThirtyIdleMinutesAndAtLogout(engine: TestEngine) async throws {
        let installation = try await TestInstallation.make(engine)
        let clock = AdjustableWallClock()
        try await installation.withApp(clock: clock) { app in
            // Idle: 29 minutes between requests keep it alive for hours; 31 end it.
            let (_, first) = try await signIn(app)
            let cookie = try #require(first)
            for _ in 0..<4 {
                clock.advance(29 * 60)
                #expect(try await officerPage(app, cookie: cookie) == .ok)
            }
            clock.advance(31 * 60)
            #expect(try await officerPage(app, cookie: cookie) == .seeOther)

            // Lifetime: used every 20 minutes, still over after 8 hours.
            let (_, second) = try await signIn(app)
            let busy = try #require(second)
            for _ in 0..<23 {
                clock.advance(20 * 60)
                #expect(try await officerPage(app, cookie: busy) == .ok)
            }
            clock.advance(20 * 60)
            #expect(try await officerPage(app, cookie: busy) == .seeOther)

            // Logout ends the session on the server: the old cookie, replayed, opens nothing.
            let (_, third) = try await signIn(app)
            let replayed = try #require(third)
            #expect(try await officerPage(app, cookie: replayed) == .ok)
            try await app.testing().test(.POST, "officer/logout", beforeRequest: { request in
                request.headers.cookie = [OfficerGuardMiddleware.cookieName: .init(string: replayed)]
            }) { response in #expect(response.status == .seeOther) }
            #expect(try await officerPage(app, cookie: replayed) == .seeOther)
        }
    }

    @Test func aCookieForgedFromTheStoredTokenHashOrAnExpiryIsRefused() async throws {
        let installation = try await TestInstallation.make(.sqlite)
        try await installation.withApp { app in
            // The old cookie format: an expiry and an HMAC keyed by the token's SHA-256 — which sits in memory and
            // was the only key. Whoever learned the hash could mint sessions.
            let hash = AdminToken.hash(TestInstallation.adminToken)
            let expiry = String(Int(Date().timeIntervalSince1970) + 3600)
            let mac = HMAC<SHA256>.authenticationCode(for: Data(expiry.utf8), using: SymmetricKey(data: hash))
            for forged in [expiry + "." + Data(mac).base64EncodedString(), String(repeating: "A", count: 43), "", String(repeating: "x", count: 5000)] {
                let status = try await officerPage(app, cookie: forged)
                #expect(status == .seeOther)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aNewAdminTokenEndsEverySessionOfTheOldOne(engine: TestEngine) async throws {
        let installation = try await TestInstallation.make(engine)
        var cookie: String?
        try await installation.withApp { app in cookie = try await signIn(app).cookie }
        let session = try #require(cookie)
        // The same server restarted with the same token keeps the session …
        try await installation.withApp { app in
            let status = try await officerPage(app, cookie: session)
            #expect(status == .ok)
        }
        // … and with a new token it does not, even after going back to the old one.
        let app = try await Application.make(.testing)
        var configuration = installation.configuration()
        configuration.adminTokenHash = AdminToken.hash(String(repeating: "9f8e7d6c", count: 8))
        try await configureLicna(app, configuration)
        #expect(try await officerPage(app, cookie: session) == .seeOther)
        try await app.asyncShutdown()
        try await installation.withApp { app in
            let status = try await officerPage(app, cookie: session)
            #expect(status == .seeOther)
        }
    }

    @Test func signInIsThrottledWithGrowingDelaysButNeverLockedOut() async throws {
        let installation = try await TestInstallation.make(.sqlite)
        let clock = AdjustableWallClock()
        try await installation.withApp(clock: clock) { app in
            #expect(try await signIn(app, token: "wrong").status == .unauthorized)
            // Within the delay even the right token is not checked …
            var retryAfter: String?
            try await app.testing().test(.POST, "officer/login", beforeRequest: {
                try $0.content.encode(["token": TestInstallation.adminToken], as: .urlEncodedForm)
            }) { response in
                #expect(response.status == .tooManyRequests)
                retryAfter = response.headers.first(name: .retryAfter)
            }
            #expect(retryAfter == "1")
            // … and each wrong try doubles the wait, up to a minute.
            var delays: [TimeInterval] = []
            for _ in 0..<10 {
                clock.advance(61)
                #expect(try await signIn(app, token: "wrong").status == .unauthorized)
                delays.append(app.licna.loginThrottle.wait(for: ClientKey(family: 0, prefix: 0), now: clock.now))
            }
            #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60])
            // No lockout: after the wait the right token works and resets the count.
            clock.advance(60)
            #expect(try await signIn(app).status == .seeOther)
            #expect(try await signIn(app, token: "wrong").status == .unauthorized)
            #expect(app.licna.loginThrottle.wait(for: ClientKey(family: 0, prefix: 0), now: clock.now) == 0.5)
        }
    }

    @Test(arguments: ["change-me", "test-token", String(repeating: "a", count: 40), "short-but-21-chars-xx"])
    func weakTokensAreRefusedOutsideDevelopment(token: String) async throws {
        let installation = try await TestInstallation.make(.sqlite)
        let app = try await Application.make(.testing)
        await #expect(throws: WeakAdminToken.self) {
            try await configureLicna(app, installation.configuration(adminToken: token))
        }
        try await app.asyncShutdown()
        #expect(AdminToken.weakness(of: token, development: true) == nil)
        #expect(AdminToken.weakness(of: TestInstallation.adminToken, development: false) == nil)
    }

    @Test(arguments: TestEngine.available)
    func aPersonalTokenOpensThePagesItsRolesAllowWhileItLives(engine: TestEngine) async throws {
        let installation = try await TestInstallation.make(engine)
        try await installation.withApp(demo: true) { app in
            let registrar = try await officerToken(app, email: "registrar@test.licna.me", roles: [.registrar])
            let (status, opened) = try await signIn(app, token: registrar)
            #expect(status == .seeOther)
            let cookie = try #require(opened)
            #expect(try await officerPage(app, cookie: cookie, path: "officer/registry") == .ok)
            // Not a card officer: the card statistics page is forbidden, and the admin token's page is not its.
            #expect(try await officerPage(app, cookie: cookie, path: "officer/cards") == .forbidden)
            #expect(try await officerPage(app, cookie: cookie) == .seeOther)
            // The role taken from the account closes the pages at once, though the session lives on.
            try await app.licna.signOn(on: app.db).setRoles(email: "registrar@test.licna.me", roles: [.auditor], context: .test)
            #expect(try await officerPage(app, cookie: cookie, path: "officer/registry") == .forbidden)
            // A revoked token ends its sessions.
            try await app.licna.signOn(on: app.db).setRoles(email: "registrar@test.licna.me", roles: [.registrar], context: .test)
            #expect(try await officerPage(app, cookie: cookie, path: "officer/registry") == .ok)
            let accountID = try await app.licna.signOn(on: app.db).accountID(email: "registrar@test.licna.me")
            for token in try await app.licna.signOn(on: app.db).officerTokens(accountID: accountID) {
                _ = try await app.licna.signOn(on: app.db).revokeOfficerToken(accountID: accountID, id: token.id)
            }
            #expect(try await officerPage(app, cookie: cookie, path: "officer/registry") == .seeOther)
            // A token of an account without roles opens nothing.
            #expect(try await signIn(app, token: "lo_" + String(repeating: "A", count: 43)).status == .unauthorized)
        }
    }
}
