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

    /// An account that holds roles, as the administrator's page lists it.
    public struct Officer: Sendable, Equatable {
        public var accountID: String
        public var email: String?
        public var roles: Set<OfficerRole>
    }

    /// Every account holding a role, by email.
    public func officers() async throws -> [Officer] {
        typealias Accounts = AccountsTable
        return try await database.sql.select().columns(Accounts.id, Accounts.email, Accounts.roles).from(Accounts.table)
            .where(Accounts.roles, .isNot, SQLLiteral.null).all().compactMap { row in
                let roles = OfficerRole.parse(try row.decode(column: Accounts.roles.name, as: String.self)) ?? []
                guard !roles.isEmpty else { return nil }
                return Officer(accountID: try row.decode(column: Accounts.id.name, as: String.self),
                               email: try row.decode(column: Accounts.email.name, as: String?.self), roles: roles)
            }.sorted { ($0.email ?? $0.accountID) < ($1.email ?? $1.accountID) }
    }

    /// Sets an account's roles (an operator's command, or an administrator's page; audited). With
    /// `keepingAnAdministrator` a change that would leave no administrator is refused (the page: the last
    /// administrator cannot lock everyone out by a slip of the mouse).
    public func setRoles(email: String, roles: Set<OfficerRole>, context: AuditContext, keepingAnAdministrator: Bool = false) async throws {
        let id = try await accountID(email: email)
        typealias Accounts = AccountsTable
        try await database.retryingTransaction { db in
            if keepingAnAdministrator, !roles.contains(.administrator) {
                let others = try await db.sql.select().column(Accounts.id).from(Accounts.table)
                    .where(Accounts.roles, .like, SQLBind("%" + OfficerRole.administrator.rawValue + "%")).where(Accounts.id, .notEqual, id).limit(1).all()
                guard !others.isEmpty else { throw SignOnError.invalid("the installation would have no administrator: name another first") }
            }
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
        return try await insertOfficerToken(accountID: signIn.accountID, name: name, roles: roles, days: days,
                                            context: AuditContext(actor: "account:" + signIn.accountID, purpose: .signOn)).token
    }

    /// Makes a personal token by an operator's command (`licna accounts token`, audited under the operator): for an
    /// officer's integrations where the installation has no card sign-in yet, for the demo and for tests. `roles`
    /// nil means every role the account holds. Returns the token (shown once) and when it ends.
    public func issueOfficerToken(email: String, name: String, roles: Set<OfficerRole>?, days: Int,
                                  context: AuditContext) async throws -> (token: String, expiresAt: Date) {
        let accountID = try await accountID(email: email)
        let held = try await self.roles(accountID: accountID)
        return try await insertOfficerToken(accountID: accountID, name: name, roles: roles ?? held, days: days, context: context)
    }

    private func insertOfficerToken(accountID: String, name: String, roles: Set<OfficerRole>, days: Int,
                                    context: AuditContext) async throws -> (token: String, expiresAt: Date) {
        let held = try await self.roles(accountID: accountID)
        guard !roles.isEmpty, roles.isSubset(of: held) else { throw SignOnError.invalid("a token can carry only roles the account holds") }
        let label = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !label.isEmpty, label.count <= 100 else { throw SignOnError.invalid("give the token a name of 1 to 100 characters") }
        guard (1...Self.maximumTokenDays).contains(days) else { throw SignOnError.invalid("a token lives 1 to \(Self.maximumTokenDays) days") }
        let token = Self.tokenPrefix + SignOnInteractions.random()
        let id = UUID().uuidString.lowercased()
        let now = Int64(clock.now.timeIntervalSince1970)
        let expiresAt = now + Int64(days) * 86_400
        typealias Tokens = OfficerTokensTable
        try await database.retryingTransaction { db in
            try await db.sql.insert(into: Tokens.table)
                .columns(Tokens.hash, Tokens.id, Tokens.accountID, Tokens.name, Tokens.roles, Tokens.createdAt, Tokens.expiresAt)
                .values(SQLBind(OpenIDProvider.hash(token)), SQLBind(id), SQLBind(accountID), SQLBind(label), SQLBind(OfficerRole.text(roles)),
                        SQLBind(now), SQLBind(expiresAt)).run()
            try await services.audit.append([context.event(.officerTokenCreate, .account, accountID,
                                                           detail: "token \(id) (\(OfficerRole.text(roles))) for \(days) days")], on: db)
        }
        return (token, Date(timeIntervalSince1970: TimeInterval(expiresAt)))
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
        return try await liveOfficerToken(OfficerTokensTable.hash, equals: OpenIDProvider.hash(token))?.officer
    }

    /// The token's id and officer, for an officer page session opened with the token (`/officer/login`).
    func officerToken(bearer token: String) async throws -> (id: String, officer: TokenOfficer, expiresAt: Date)? {
        guard token.hasPrefix(Self.tokenPrefix), token.utf8.count <= 100 else { return nil }
        return try await liveOfficerToken(OfficerTokensTable.hash, equals: OpenIDProvider.hash(token))
    }

    /// The officer of a page session opened with a personal token: the token must still be live.
    func officer(tokenID: String) async throws -> TokenOfficer? {
        try await liveOfficerToken(OfficerTokensTable.id, equals: tokenID)?.officer
    }

    private func liveOfficerToken(_ column: SchemaColumn, equals value: String) async throws -> (id: String, officer: TokenOfficer, expiresAt: Date)? {
        typealias Tokens = OfficerTokensTable
        guard let row = try await database.sql.select().columns(Tokens.id, Tokens.accountID, Tokens.roles, Tokens.expiresAt, Tokens.revokedAt)
            .from(Tokens.table).where(column, .equal, value).first(),
              try row.decode(column: Tokens.revokedAt.name, as: Int64?.self) == nil else { return nil }
        let expiresAt = try row.decode(column: Tokens.expiresAt.name, as: Int64.self)
        guard expiresAt >= Int64(clock.now.timeIntervalSince1970) else { return nil }
        let accountID = try row.decode(column: Tokens.accountID.name, as: String.self)
        let granted = OfficerRole.parse(try row.decode(column: Tokens.roles.name, as: String.self)) ?? []
        let officer = TokenOfficer(actor: try await officerActor(accountID: accountID), roles: granted.intersection(try await roles(accountID: accountID)))
        return (try row.decode(column: Tokens.id.name, as: String.self), officer, Date(timeIntervalSince1970: TimeInterval(expiresAt)))
    }

    /// Whether any account holds the administrator role: from then on the admin token opens nothing.
    public func administratorExists() async throws -> Bool {
        typealias Accounts = AccountsTable
        return try await database.sql.select().column(Accounts.id).from(Accounts.table)
            .where(Accounts.roles, .like, SQLBind("%" + OfficerRole.administrator.rawValue + "%")).limit(1).first() != nil
    }

    /// Names the installation's first administrator, the one thing the admin token may do (issue 13, item 6):
    /// refused once any account is an administrator. The account keeps the roles it had. Audited under `context`.
    func nameFirstAdministrator(email: String, context: AuditContext) async throws {
        let id = try await accountID(email: email)
        typealias Accounts = AccountsTable
        try await database.retryingTransaction { db in
            let holders = try await db.sql.select().column(Accounts.id).from(Accounts.table)
                .where(Accounts.roles, .like, SQLBind("%" + OfficerRole.administrator.rawValue + "%")).limit(1).all()
            guard holders.isEmpty else { throw SignOnError(.signOnAdministratorExists) }
            let text = try await db.sql.select().column(Accounts.roles).from(Accounts.table).where(Accounts.id, .equal, id).first()
                .flatMap { try $0.decode(column: Accounts.roles.name, as: String?.self) }
            let roles = (text.flatMap(OfficerRole.parse) ?? []).union([.administrator])
            try await db.sql.update(Accounts.table).set(Accounts.roles, to: OfficerRole.text(roles)).where(Accounts.id, .equal, id).run()
            try await services.audit.append([context.event(.accountRoles, .account, id, detail: "first administrator; roles: \(OfficerRole.text(roles))")],
                                            on: db)
        }
    }

    /// The audit trail's name for an officer: `officer:<email>` (the account id for an account without email).
    func officerActor(accountID: String) async throws -> String {
        "officer:" + (try await accountName(accountID: accountID))
    }

    /// How pages and the audit trail name an account: its email, or its id when it has none.
    func accountName(accountID: String) async throws -> String {
        typealias Accounts = AccountsTable
        let email = try await database.sql.select().column(Accounts.email).from(Accounts.table).where(Accounts.id, .equal, accountID).first()
            .flatMap { try $0.decode(column: Accounts.email.name, as: String?.self) }
        return email ?? accountID
    }
}
