import Foundation
import LicnaBasics
import LicnaIdentityProvider
@testable import LicnaServer
import Testing

/// One conformance suite for every implementation of the identity provider's storage (STYLE.md: fakes over mocks):
/// the in-memory one, and the database's on SQLite and PostgreSQL. Redemptions must be atomic — of concurrent ones
/// exactly one is the first — and a revoked family must take every token with it.
@Suite struct IdentityProviderStorageTests {
    typealias Storage = AuthorizationCodeStorage & TokenStorage & AssertionReplayStorage

    static func grant(_ family: String) -> Grant {
        Grant(family: family, clientID: "portal", accountID: "account-1", scopes: ["openid"], claims: ["email"], level: .low, methods: ["pwd"],
              authenticatedAt: Date(timeIntervalSince1970: 1_800_000_000), nonce: "n")
    }

    static func conforms(_ storage: any Storage) async throws {
        let later = Date(timeIntervalSince1970: 1_900_000_000)
        let code = AuthorizationCodeRecord(grant: grant("family-a"), redirectURI: "https://app.example.me/cb", codeChallenge: "c", expiresAt: later)
        try await storage.save(code, hash: "code-1")
        #expect(try await storage.redeem(hash: "unknown") == nil)
        // Eight redemptions at once: one first, seven replays, all of the same record.
        let outcomes = try await withThrowingTaskGroup(of: Bool?.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    switch try await storage.redeem(hash: "code-1") {
                    case .first(let record): return record == code
                    case .replayed(let record): return record == code ? false : nil
                    case nil: return nil
                    }
                }
            }
            return try await group.reduce(into: [Bool?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == true }.count == 1 && outcomes.filter { $0 == false }.count == 7)

        let token = TokenRecord(grant: grant("family-a"), expiresAt: later)
        try await storage.saveAccessToken(token, hash: "access-1")
        try await storage.saveRefreshToken(token, hash: "refresh-1")
        #expect(try await storage.accessToken(hash: "access-1") == token)
        #expect(try await storage.accessToken(hash: "refresh-1") == nil)  // a refresh token is no access token
        guard case .first = try await storage.redeemRefreshToken(hash: "refresh-1") else { Issue.record("first use"); return }
        guard case .replayed = try await storage.redeemRefreshToken(hash: "refresh-1") else { Issue.record("second use"); return }
        #expect(try await storage.redeemRefreshToken(hash: "access-1") == nil)  // nor the other way round

        let other = TokenRecord(grant: grant("family-b"), expiresAt: later)
        try await storage.saveAccessToken(other, hash: "access-2")
        try await storage.saveRefreshToken(other, hash: "refresh-2")
        try await storage.revokeFamily("family-a")
        try await storage.revokeFamily("family-a")  // twice is fine
        let revoked = try await storage.isRevoked(family: "family-a")
        let untouched = try await storage.isRevoked(family: "family-b")
        #expect(revoked && !untouched)
        #expect(try await storage.accessToken(hash: "access-1") == nil)
        #expect(try await storage.accessToken(hash: "access-2") == other)
        guard case .first = try await storage.redeemRefreshToken(hash: "refresh-2") else { Issue.record("other family"); return }

        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try await storage.claim(clientID: "tax", jti: "j1", until: now + 60, now: now))
        #expect(!(try await storage.claim(clientID: "tax", jti: "j1", until: now + 60, now: now + 30)))
        #expect(try await storage.claim(clientID: "bank", jti: "j1", until: now + 60, now: now))  // per client
        #expect(try await storage.claim(clientID: "tax", jti: "j1", until: now + 200, now: now + 120))  // after expiry, forgotten
    }

    @Test func theInMemoryStorageConforms() async throws {
        try await Self.conforms(InMemoryIdentityProviderStorage())
    }

    @Test(arguments: TestEngine.available)
    func theDatabaseStorageConforms(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            try await Self.conforms(SQLIdentityProviderStorage(database: app.db, clock: app.licna.configuration.clock))
        }
    }
}
