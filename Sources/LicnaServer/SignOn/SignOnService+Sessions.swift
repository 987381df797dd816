import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import SQLKit

/// Single sign-on across relying parties (OpenID Connect Core §3.1.2.1 `prompt`, §3.1.2.3): a browser that signed in
/// carries a session cookie; later authorizations within its lifetime need no new sign-in unless the client asks for
/// one (`prompt=login`, `max_age`) or a higher level. Consent given to a relying party is remembered per account
/// until withdrawn, so `prompt=none` can succeed.
extension SignOnService {
    /// A session lasts 8 hours from its sign-in, whatever happens in between (the officers' sessions do the same).
    static let sessionLifetime: TimeInterval = 8 * 3_600

    private struct StoredSignIn: Codable {
        var accountID: String
        var level: LevelOfAssurance
        var methods: [String]
        var authenticatedAt: Int64
    }

    /// Starts a session for `signIn`; returns the cookie's value (kept by the server only as its SHA-256).
    func startSession(_ signIn: SignIn) async throws -> String {
        typealias Sessions = SignOnSessionsTable
        let value = SignOnInteractions.random()
        let stored = try JSONEncoder().encode(StoredSignIn(accountID: signIn.accountID, level: signIn.level, methods: signIn.methods,
                                                           authenticatedAt: Int64(signIn.authenticatedAt.timeIntervalSince1970)))
        let now = Int64(clock.now.timeIntervalSince1970)
        try await database.retryingTransaction { db in
            try await db.sql.delete(from: Sessions.table).where(Sessions.expiresAt, .lessThan, now).run()
            try await db.sql.insert(into: Sessions.table).columns(Sessions.hash, Sessions.accountID, Sessions.signIn, Sessions.expiresAt)
                .values(SQLBind(OpenIDProvider.hash(value)), SQLBind(signIn.accountID), SQLBind(stored), SQLBind(now + Int64(Self.sessionLifetime))).run()
        }
        return value
    }

    /// The sign-in of the session whose cookie is `value`, while it lasts.
    func session(_ value: String?) async throws -> SignIn? {
        typealias Sessions = SignOnSessionsTable
        guard let value, !value.isEmpty, value.utf8.count <= 100,
              let row = try await database.sql.select().columns(Sessions.signIn, Sessions.expiresAt).from(Sessions.table)
                .where(Sessions.hash, .equal, OpenIDProvider.hash(value)).first(),
              try row.decode(column: Sessions.expiresAt.name, as: Int64.self) >= Int64(clock.now.timeIntervalSince1970),
              let stored = try? JSONDecoder().decode(StoredSignIn.self, from: row.decode(column: Sessions.signIn.name, as: Data.self)) else { return nil }
        return SignIn(accountID: stored.accountID, level: stored.level, methods: stored.methods,
                      authenticatedAt: Date(timeIntervalSince1970: TimeInterval(stored.authenticatedAt)))
    }

    /// Ends the session whose cookie is `value` (logout).
    func endSession(_ value: String?) async throws {
        guard let value, !value.isEmpty else { return }
        typealias Sessions = SignOnSessionsTable
        try await database.retryingTransaction { db in
            try await db.sql.delete(from: Sessions.table).where(Sessions.hash, .equal, OpenIDProvider.hash(value)).run()
        }
    }

    // MARK: Consent

    /// Whether the person consented before to give this client every claim in `claims`.
    func consentRemembered(accountID: String, clientID: String, claims: [String]) async throws -> Bool {
        typealias Consents = OIDCConsentsTable
        guard let row = try await database.sql.select().column(Consents.claims).from(Consents.table)
            .where(Consents.id, .equal, accountID + "/" + clientID).first() else { return false }
        let granted = Set(try row.decode(column: Consents.claims.name, as: String.self).split(separator: " ").map(String.init))
        return Set(claims).isSubset(of: granted)
    }

    /// Remembers that the person consented to give this client `claims` (with what it had before).
    func rememberConsent(accountID: String, clientID: String, claims: [String]) async throws {
        typealias Consents = OIDCConsentsTable
        let id = accountID + "/" + clientID
        try await database.retryingTransaction { db in
            let before = try await db.sql.select().column(Consents.claims).from(Consents.table).where(Consents.id, .equal, id).first()
                .map { try $0.decode(column: Consents.claims.name, as: String.self).split(separator: " ").map(String.init) } ?? []
            try await db.sql.delete(from: Consents.table).where(Consents.id, .equal, id).run()
            try await db.sql.insert(into: Consents.table).columns(Consents.id, Consents.accountID, Consents.clientID, Consents.claims, Consents.grantedAt)
                .values(SQLBind(id), SQLBind(accountID), SQLBind(clientID), SQLBind(Set(before + claims).sorted().joined(separator: " ")),
                        SQLBind(Int64(clock.now.timeIntervalSince1970))).run()
        }
    }

    /// A consent as `licna accounts consents` lists it.
    public struct Consent: Sendable, Codable, Equatable {
        public var clientID: String
        public var claims: [String]
        public var grantedAt: Date

        enum CodingKeys: String, CodingKey {
            case clientID = "clientId", claims, grantedAt
        }
    }

    /// The consents an account gave.
    public func consents(email: String) async throws -> [Consent] {
        try await consents(accountID: try await accountID(email: email))
    }

    func consents(accountID: String) async throws -> [Consent] {
        typealias Consents = OIDCConsentsTable
        return try await database.sql.select().columns(Consents.clientID, Consents.claims, Consents.grantedAt).from(Consents.table)
            .where(Consents.accountID, .equal, accountID).orderBy(Consents.clientID.name).all().map(Self.consent)
    }

    /// Withdraws an account's consent for a client: its next sign-in there asks again (and `prompt=none` answers
    /// `consent_required`). Audited. False when there was none.
    public func withdrawConsent(email: String, clientID: String, context: AuditContext) async throws -> Bool {
        try await withdrawConsent(accountID: try await accountID(email: email), clientID: clientID, context: context)
    }

    /// What the account page shows.
    struct AccountOverview: Sendable {
        var email: String?
        var factors: AccountFactors
        var consents: [Consent]
    }

    func overview(accountID: String) async throws -> AccountOverview {
        typealias Accounts = AccountsTable
        let email = try await database.sql.select().column(Accounts.email).from(Accounts.table).where(Accounts.id, .equal, accountID).first()
            .flatMap { try $0.decode(column: Accounts.email.name, as: String?.self) }
        return AccountOverview(email: email, factors: try await factors(accountID: accountID), consents: try await consents(accountID: accountID))
    }

    private static func consent(_ row: any SQLRow) throws -> Consent {
        typealias Consents = OIDCConsentsTable
        return Consent(clientID: try row.decode(column: Consents.clientID.name, as: String.self),
                       claims: try row.decode(column: Consents.claims.name, as: String.self).split(separator: " ").map(String.init),
                       grantedAt: Date(timeIntervalSince1970: TimeInterval(try row.decode(column: Consents.grantedAt.name, as: Int64.self))))
    }

    func withdrawConsent(accountID account: String, clientID: String, context: AuditContext) async throws -> Bool {
        typealias Consents = OIDCConsentsTable
        return try await database.retryingTransaction { db in
            let removed = try await db.sql.delete(from: Consents.table).where(Consents.id, .equal, account + "/" + clientID)
                .returning(Consents.id).all()
            guard !removed.isEmpty else { return false }
            try await services.audit.append([context.event(.accountConsentWithdraw, .account, account, detail: "consent for client \(clientID) withdrawn")],
                                            on: db)
            return true
        }
    }
}
