import Foundation
import LicnaBasics
import LicnaCore
@testable import LicnaIdentityProvider
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// The provider's signing keys rotate (issue 13, item 1; OpenID Connect Core §10.1.1): a new key is published a day
/// before it signs, the old one stays published a day after, keys rotate by themselves after 90 days, and an
/// immediate rotation withdraws the old keys at once. The clock moves; the per-process cache follows within a minute.
@Suite struct SigningKeyRotationTests {
    func keys(_ app: Application) async throws -> (current: String, published: [String]) {
        let keys = try await app.licna.signOn(on: app.db).signingKeys()
        return (keys.current.keyID, keys.published.map(\.keyID))
    }

    @Test(arguments: TestEngine.available)
    func aNewKeyIsPublishedBeforeItSignsAndTheOldOneAfter(engine: TestEngine) async throws {
        let clock = AdjustableWallClock()
        try await TestInstallation.make(engine).withApp(clock: clock) { app in
            let signOn = app.licna.signOn(on: app.db)
            let first = try await keys(app)
            #expect(first.published == [first.current])

            // A planned rotation: published now, signing in a day.
            let next = try await signOn.rotateSigningKey(immediately: false, context: .test)
            let during = try await keys(app)
            #expect(during.current == first.current && Set(during.published) == [first.current, next])
            // The JWKS a relying party fetches has both.
            let jwks = try await signOn.provider().jwks
            let kids = (jwks["keys"] as? [[String: Any]])?.compactMap { $0["kid"] as? String } ?? []
            #expect(Set(kids) == [first.current, next])

            clock.advance(86_400 + 1)
            let after = try await keys(app)
            #expect(after.current == next && Set(after.published) == [first.current, next])
            // A day later the old key leaves the JWKS (the cache follows within a minute).
            clock.advance(86_400 + 61)
            #expect(try await keys(app).published == [next])

            // After 90 days of signing, a successor comes by itself, published a day ahead.
            clock.advance(90 * 86_400)
            let aged = try await keys(app)
            #expect(aged.current == next && aged.published.count == 2)
            clock.advance(86_400 + 61)
            #expect(try await keys(app).current != next)
        }
    }

    @Test func anImmediateRotationWithdrawsTheOldKeysAtOnce() async throws {
        let clock = AdjustableWallClock()
        try await TestInstallation.make(.sqlite).withApp(clock: clock) { app in
            let signOn = app.licna.signOn(on: app.db)
            let old = try await keys(app).current
            let fresh = try await signOn.rotateSigningKey(immediately: true, context: .test)
            let now = try await keys(app)
            #expect(now.current == fresh && now.published == [fresh] && fresh != old)
            let audit = try await app.db.sql.raw("SELECT detail FROM audit_entries WHERE action = 'signon.key-rotate' AND object_id = \(bind: fresh)").all()
            #expect(audit.count == 1)
        }
    }
}
