import Crypto
import Foundation
import LicnaBasics
import LicnaCore
@testable import LicnaIdentityProvider
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// Refresh-token rotation on the SQL storage (issue 13, item 1; RFC 9700 §4.14.2): the redemption and its successors
/// in one transaction. A first use rotates; a second use revokes the family; another client's or an expired token
/// is refused and spends nothing; a crash between the two halves cannot happen, as there are none.
@Suite struct RefreshRotationTests {
    @Test(arguments: TestEngine.available)
    func rotationIsOneStepAndReuseRevokesTheFamily(engine: TestEngine) async throws {
        let clock = AdjustableWallClock()
        try await TestInstallation.make(engine).withApp(clock: clock) { app in
            let signOn = app.licna.signOn(on: app.db)
            let accountID = try await signOn.addAccount(email: "ana@test.licna.me", password: nil, emailVerified: true, context: .test)
            let mine = try await signOn.registerClient(name: "Mine", redirectURIs: ["https://mine.example.me/cb"], kind: .confidential, context: .test)
            let theirs = try await signOn.registerClient(name: "Theirs", redirectURIs: ["https://theirs.example.me/cb"], kind: .confidential, context: .test)
            func basic(_ made: (clientID: String, secret: String?)) -> String {
                "Basic " + Data("\(made.clientID):\(made.secret!)".utf8).base64EncodedString()
            }
            let token = "refresh-" + UUID().uuidString
            let family = UUID().uuidString
            let grant = Grant(family: family, clientID: mine.clientID, accountID: accountID, scopes: ["openid", "email"], claims: ["email"],
                              level: .low, methods: ["pwd"], authenticatedAt: clock.now, nonce: nil)
            try await signOn.benchmarkStorage.saveRefreshToken(TokenRecord(grant: grant, expiresAt: clock.now.addingTimeInterval(3_600)),
                                                               hash: OpenIDProvider.hash(token))
            let provider = try await signOn.provider()
            func refresh(_ value: String, _ client: (clientID: String, secret: String?)) async throws -> OpenIDProvider.TokenResponse {
                try await provider.token(TokenRequest(form: ["grant_type": "refresh_token", "refresh_token": value], authorization: basic(client)))
            }
            func rows() async throws -> Int {
                try await app.db.sql.raw("SELECT COUNT(*) AS n FROM oidc_tokens WHERE family = \(bind: family)").first()!.decode(column: "n", as: Int.self)
            }

            // Another client cannot spend it, and nothing is written.
            await #expect(throws: OAuthError.self) { _ = try await refresh(token, theirs) }
            #expect(try await rows() == 1)
            // Its own client rotates it: the old one used, a new access and refresh token, one family.
            let first = try await refresh(token, mine)
            let next = try #require(first.refreshToken)
            #expect(try await rows() == 3)
            // The old token again: a replay, and the whole family goes.
            await #expect(throws: OAuthError.self) { _ = try await refresh(token, mine) }
            #expect(try await rows() == 0)
            await #expect(throws: OAuthError.self) { _ = try await refresh(next, mine) }
            await #expect(throws: OAuthError.self) { _ = try await provider.userinfo(authorization: "Bearer " + first.accessToken) }

            // An expired token is refused and spends nothing either.
            let late = "refresh-" + UUID().uuidString
            var expired = grant
            expired.family = UUID().uuidString
            try await signOn.benchmarkStorage.saveRefreshToken(TokenRecord(grant: expired, expiresAt: clock.now.addingTimeInterval(60)),
                                                               hash: OpenIDProvider.hash(late))
            clock.advance(61)
            await #expect(throws: OAuthError.self) { _ = try await refresh(late, mine) }
            let spent = try await app.db.sql.raw("SELECT redemptions FROM oidc_tokens WHERE hash = \(bind: OpenIDProvider.hash(late))").first()?
                .decode(column: "redemptions", as: Int.self)
            #expect(spent == 0)

            // On SQLite the rotation goes straight to the file, in one transaction of its own connection.
            if engine == .sqlite {
                let rotator = try #require(app.licna.tokenRotator)
                let direct = "refresh-" + UUID().uuidString
                var fresh = grant
                fresh.family = UUID().uuidString
                try await signOn.benchmarkStorage.saveRefreshToken(TokenRecord(grant: fresh, expiresAt: clock.now.addingTimeInterval(3_600)),
                                                                   hash: OpenIDProvider.hash(direct))
                let successor = TokenRecord(grant: fresh, expiresAt: clock.now.addingTimeInterval(60))
                let family = fresh.family
                let first = try await rotator.rotate(hash: OpenIDProvider.hash(direct)) { _ in
                    IssuedTokens(access: (successor, "access-hash-\(family)"), refresh: (successor, "refresh-hash-\(family)"))
                }
                guard case .first = first else { Issue.record("the direct rotation did not redeem the token"); return }
                let count = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM oidc_tokens WHERE family = \(bind: fresh.family)").first()!
                    .decode(column: "n", as: Int.self)
                #expect(count == 3)
                let again = try await rotator.rotate(hash: OpenIDProvider.hash(direct)) { _ in Issue.record("a replay made successors"); throw OAuthError.invalidGrant("x") }
                guard case .replayed = again else { Issue.record("a second redemption was not a replay"); return }
                // A refusal inside the transaction rolls the redemption back.
                let refused = "refresh-" + UUID().uuidString
                try await signOn.benchmarkStorage.saveRefreshToken(TokenRecord(grant: fresh, expiresAt: clock.now.addingTimeInterval(3_600)),
                                                                   hash: OpenIDProvider.hash(refused))
                await #expect(throws: OAuthError.self) {
                    _ = try await rotator.rotate(hash: OpenIDProvider.hash(refused)) { _ in throw OAuthError.invalidGrant("refused") }
                }
                let untouched = try await app.db.sql.raw("SELECT redemptions FROM oidc_tokens WHERE hash = \(bind: OpenIDProvider.hash(refused))").first()?
                    .decode(column: "redemptions", as: Int.self)
                #expect(untouched == 0)
            }
        }
    }
}
