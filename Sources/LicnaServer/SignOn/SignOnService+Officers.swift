import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import SQLKit

/// Officers (issue 13, item 6): roles on accounts, and personal, scoped, revocable API tokens made after an eID-card
/// sign-in, so that every officer action through the API is audited under the officer's own name.
extension SignOnService {
    /// A personal token as the account page lists it (never the token itself).
    public struct OfficerToken: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var roles: [String]
        public var expiresAt: Date
        public var revoked: Bool
    }

    /// The officer a token authenticates: the audit trail's name and the roles in force.
    public struct TokenOfficer: Sendable, Equatable {
        public var actor: String
        public var roles: Set<OfficerRole>
    }

    static let tokenPrefix = "lo_"
    static let maximumTokenDays = 90

    /// Sets an account's roles (an operator's command; audited).
    public func setRoles(email: String, roles: Set<OfficerRole>, context: AuditContext) async throws {
        let id = try await accountID(email: email)
        typealias Accounts = AccountsTable
        try await database.retryingTransaction { db in
            try await db.sql.update(Accounts.table).set(Accounts.roles, to: roles.isEmpty ? nil : OfficerRole.text(roles))
                .where(Accounts.id, .equal, id).run()
            try await services.audit.append([context.event(.accountRoles, .account, id, detail: "roles: \(roles.isEmpty ? "none" : OfficerRole.text(roles))")],
                                            on: db)
        }
    }

    func roles(accountID: String) async throws -> Set<OfficerRole> {
        typealias Accounts = AccountsTable
        let text = try await database.sql.select().column(Accounts.roles).from(Accounts.table).where(Accounts.id, .equal, accountID).first()
            .flatMap { try $0.decode(column: Accounts.roles.name, as: String?.self) }
        return text.flatMap(OfficerRole.parse) ?? []
    }

    /// Makes a personal token for roles the account holds; `signIn` must be an eID-card sign-in (level high).
    /// Returns the token, shown once.
    func createOfficerToken(signIn: SignIn, name: String, roles: Set<OfficerRole>, days: Int) async throws -> String {
        guard signIn.level == .high else { throw SignOnError.invalid("officer tokens are made only after a sign-in with the eID card (level high)") }
        let held = try await self.roles(accountID: signIn.accountID)
        guard !roles.isEmpty, roles.isSubset(of: held) else { throw SignOnError.invalid("a token can carry only roles the account holds") }
        let label = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !label.isEmpty, label.count <= 100 else { throw SignOnError.invalid("give the token a name of 1 to 100 characters") }
        guard (1...Self.maximumTokenDays).contains(days) else { throw SignOnError.invalid("a token lives 1 to \(Self.maximumTokenDays) days") }
        let token = Self.tokenPrefix + SignOnInteractions.random()
        let id = UUID().uuidString.lowercased()
        let now = Int64(clock.now.timeIntervalSince1970)
        typealias Tokens = OfficerTokensTable
        try await database.retryingTransaction { db in
            try await db.sql.insert(into: Tokens.table)
                .columns(Tokens.hash, Tokens.id, Tokens.accountID, Tokens.name, Tokens.roles, Tokens.createdAt, Tokens.expiresAt)
                .values(SQLBind(OpenIDProvider.hash(token)), SQLBind(id), SQLBind(signIn.accountID), SQLBind(label), SQLBind(OfficerRole.text(roles)),
                        SQLBind(now), SQLBind(now + Int64(days) * 86_400)).run()
            try await services.audit.append([AuditContext(actor: "account:" + signIn.accountID, purpose: .signOn)
                .event(.officerTokenCreate, .account, signIn.accountID, detail: "token \(id) (\(OfficerRole.text(roles))) for \(days) days")], on: db)
        }
        return token
    }

    func officerTokens(accountID: String) async throws -> [OfficerToken] {
        typealias Tokens = OfficerTokensTable
        return try await database.sql.select().columns(Tokens.id, Tokens.name, Tokens.roles, Tokens.expiresAt, Tokens.revokedAt).from(Tokens.table)
            .where(Tokens.accountID, .equal, accountID).orderBy(Tokens.createdAt.name, .descending).all().map { row in
                OfficerToken(id: try row.decode(column: Tokens.id.name, as: String.self), name: try row.decode(column: Tokens.name.name, as: String.self),
                             roles: try row.decode(column: Tokens.roles.name, as: String.self).split(separator: " ").map(String.init),
                             expiresAt: Date(timeIntervalSince1970: TimeInterval(try row.decode(column: Tokens.expiresAt.name, as: Int64.self))),
                             revoked: try row.decode(column: Tokens.revokedAt.name, as: Int64?.self) != nil)
            }
    }

    /// Revokes one of the account's tokens (audited); false when it has no such live token.
    func revokeOfficerToken(accountID: String, id: String) async throws -> Bool {
        typealias Tokens = OfficerTokensTable
        return try await database.retryingTransaction { db in
            let revoked = try await db.sql.update(Tokens.table).set(Tokens.revokedAt, to: Int64(clock.now.timeIntervalSince1970))
                .where(Tokens.id, .equal, id).where(Tokens.accountID, .equal, accountID).where(Tokens.revokedAt, .is, SQLLiteral.null)
                .returning(Tokens.id).all()
            guard !revoked.isEmpty else { return false }
            try await services.audit.append([AuditContext(actor: "account:" + accountID, purpose: .signOn)
                .event(.officerTokenRevoke, .account, accountID, detail: "token \(id) revoked")], on: db)
            return true
        }
    }

    /// The officer a bearer token names: live, not revoked, and with the roles both the token and the account hold
    /// now (a role taken from the account leaves its tokens at once). Nil for anything else.
    func officer(bearer token: String) async throws -> TokenOfficer? {
        guard token.hasPrefix(Self.tokenPrefix), token.utf8.count <= 100 else { return nil }
        typealias Tokens = OfficerTokensTable
        guard let row = try await database.sql.select().columns(Tokens.accountID, Tokens.roles, Tokens.expiresAt, Tokens.revokedAt).from(Tokens.table)
            .where(Tokens.hash, .equal, OpenIDProvider.hash(token)).first(),
              try row.decode(column: Tokens.revokedAt.name, as: Int64?.self) == nil,
              try row.decode(column: Tokens.expiresAt.name, as: Int64.self) >= Int64(clock.now.timeIntervalSince1970) else { return nil }
        let accountID = try row.decode(column: Tokens.accountID.name, as: String.self)
        let granted = OfficerRole.parse(try row.decode(column: Tokens.roles.name, as: String.self)) ?? []
        return TokenOfficer(actor: try await officerActor(accountID: accountID), roles: granted.intersection(try await roles(accountID: accountID)))
    }

    /// The audit trail's name for an officer: `officer:<email>` (the account id for an account without email).
    func officerActor(accountID: String) async throws -> String {
        typealias Accounts = AccountsTable
        let email = try await database.sql.select().column(Accounts.email).from(Accounts.table).where(Accounts.id, .equal, accountID).first()
            .flatMap { try $0.decode(column: Accounts.email.name, as: String?.self) }
        return "officer:" + (email ?? accountID)
    }
}
