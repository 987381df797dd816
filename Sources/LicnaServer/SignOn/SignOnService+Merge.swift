import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import SQLKit

/// Merging two accounts of one person (issue 13, item 4). It happens where the registry says two accounts are one
/// person's: an eID sign-in in a browser already signed in with a password account (`cardAccount`), or an officer
/// linking an account to a person who has one (`linkAccount`). The older account's id wins, so the pairwise `sub`
/// values relying parties know for it stay (OpenID Connect Core §8.1 computes them over the id); the newer id is
/// recorded as its alias (`account_aliases`), and tokens that name it read the merged account's claims.
extension SignOnService {
    /// One row of `accounts`, for a merge.
    private struct AccountRow {
        var id: String
        var email: String?
        var emailVerified: Int
        var passwordHash: String?
        var personID: String?
        var totpSealed: Data?
        var totpLastStep: Int64?
        var roles: Set<OfficerRole>
        var createdAt: Int64

        init?(_ row: (any SQLRow)?) throws {
            typealias Accounts = AccountsTable
            guard let row else { return nil }
            id = try row.decode(column: Accounts.id.name, as: String.self)
            email = try row.decode(column: Accounts.email.name, as: String?.self)
            emailVerified = try row.decode(column: Accounts.emailVerified.name, as: Int.self)
            passwordHash = try row.decode(column: Accounts.passwordHash.name, as: String?.self)
            personID = try row.decode(column: Accounts.personID.name, as: String?.self)
            totpSealed = try row.decode(column: Accounts.totpSealed.name, as: Data?.self)
            totpLastStep = try row.decode(column: Accounts.totpLastStep.name, as: Int64?.self)
            roles = try row.decode(column: Accounts.roles.name, as: String?.self).flatMap(OfficerRole.parse) ?? []
            createdAt = try row.decode(column: Accounts.createdAt.name, as: Int64.self)
        }
    }

    private func accountRow(_ id: String, on db: any Database) async throws -> AccountRow? {
        typealias Accounts = AccountsTable
        return try AccountRow(try await db.sql.select().columns(Accounts.id, Accounts.email, Accounts.emailVerified, Accounts.passwordHash,
                                                                Accounts.personID, Accounts.totpSealed, Accounts.totpLastStep, Accounts.roles,
                                                                Accounts.createdAt)
            .from(Accounts.table).where(Accounts.id, .equal, id).first())
    }

    /// Whether two accounts may become one without losing a way to sign in: not two persons', and not two with an
    /// email each (one person's two addresses stay two accounts until the person drops one).
    func mayMerge(_ first: String, _ second: String, on db: any Database) async throws -> Bool {
        guard first != second, let a = try await accountRow(first, on: db), let b = try await accountRow(second, on: db) else { return false }
        if let personA = a.personID, let personB = b.personID, personA != personB { return false }
        return a.email == nil || b.email == nil
    }

    /// Merges two accounts inside the caller's transaction and returns the id that stays: the older account's (by
    /// creation, then the one linked to the person, then id). It takes the other's email and password when it has
    /// none, its authenticator when it has none (sealed again for its own row), its person link when it has none, and
    /// the union of the roles; the other's consents and officer tokens move to it, and its sessions and emailed links
    /// end. The other's id becomes an alias. Audited `account.merge`. Callers check `mayMerge` first.
    func merge(_ first: String, _ second: String, on db: any Database, context: AuditContext) async throws -> String {
        guard let a = try await accountRow(first, on: db), let b = try await accountRow(second, on: db) else { throw SignOnError(.signOnUnknownAccount) }
        // Older by creation; within one second, the one already linked to the person; then by id.
        let (keep, gone) = (a.createdAt, a.personID == nil ? 1 : 0, a.id) <= (b.createdAt, b.personID == nil ? 1 : 0, b.id) ? (a, b) : (b, a)
        guard keep.personID == nil || gone.personID == nil || keep.personID == gone.personID else {
            throw SignOnError.invalid("the two accounts belong to different persons")
        }
        typealias Accounts = AccountsTable
        typealias Consents = OIDCConsentsTable
        let sql = db.sql
        // The gone row first: its email must be free before the kept row takes it.
        try await sql.delete(from: Accounts.table).where(Accounts.id, .equal, gone.id).run()
        var update = sql.update(Accounts.table)
        if keep.email == nil, let email = gone.email {
            update = update.set(Accounts.email, to: email).set(Accounts.emailVerified, to: gone.emailVerified)
                .set(Accounts.passwordHash, to: gone.passwordHash.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
        }
        if keep.totpSealed == nil, let sealed = gone.totpSealed {
            let resealed = try sealTOTP(try openTOTP(sealed, accountID: gone.id), accountID: keep.id)
            update = update.set(Accounts.totpSealed, to: resealed)
                .set(Accounts.totpLastStep, to: gone.totpLastStep.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
        }
        if keep.personID == nil, let person = gone.personID { update = update.set(Accounts.personID, to: person) }
        let roles = keep.roles.union(gone.roles)
        if !roles.isEmpty { update = update.set(Accounts.roles, to: OfficerRole.text(roles)) }
        try await update.where(Accounts.id, .equal, keep.id).run()

        // Consents: the kept account's stay, widened by the other's claims for the same relying party.
        let kept = try await sql.select().columns(Consents.clientID, Consents.claims).from(Consents.table).where(Consents.accountID, .equal, keep.id).all()
        let keptClaims = Dictionary(uniqueKeysWithValues: try kept.map {
            (try $0.decode(column: Consents.clientID.name, as: String.self), try $0.decode(column: Consents.claims.name, as: String.self))
        })
        for row in try await sql.select().columns(Consents.clientID, Consents.claims, Consents.grantedAt).from(Consents.table)
            .where(Consents.accountID, .equal, gone.id).all() {
            let client = try row.decode(column: Consents.clientID.name, as: String.self)
            let claims = Set(try row.decode(column: Consents.claims.name, as: String.self).split(separator: " ").map(String.init))
            if let existing = keptClaims[client] {
                let union = claims.union(existing.split(separator: " ").map(String.init)).sorted().joined(separator: " ")
                try await sql.update(Consents.table).set(Consents.claims, to: union).where(Consents.id, .equal, keep.id + "/" + client).run()
            } else {
                try await sql.insert(into: Consents.table).columns(Consents.id, Consents.accountID, Consents.clientID, Consents.claims, Consents.grantedAt)
                    .values(SQLBind(keep.id + "/" + client), SQLBind(keep.id), SQLBind(client), SQLBind(claims.sorted().joined(separator: " ")),
                            SQLBind(try row.decode(column: Consents.grantedAt.name, as: Int64.self))).run()
            }
        }
        try await sql.delete(from: Consents.table).where(Consents.accountID, .equal, gone.id).run()
        try await sql.update(OfficerTokensTable.table).set(OfficerTokensTable.accountID, to: keep.id).where(OfficerTokensTable.accountID, .equal, gone.id).run()
        try await sql.delete(from: SignOnSessionsTable.table).where(SignOnSessionsTable.accountID, .equal, gone.id).run()
        try await sql.delete(from: AccountTokensTable.table).where(AccountTokensTable.accountID, .equal, gone.id).run()

        typealias Aliases = AccountAliasesTable
        let now = Int64(clock.now.timeIntervalSince1970)
        try await sql.update(Aliases.table).set(Aliases.accountID, to: keep.id).where(Aliases.accountID, .equal, gone.id).run()
        try await sql.insert(into: Aliases.table).columns(Aliases.alias, Aliases.accountID, Aliases.mergedAt)
            .values(SQLBind(gone.id), SQLBind(keep.id), SQLBind(now)).run()
        try await services.audit.append([context.event(.accountMerge, .account, keep.id,
                                                       detail: "account \(gone.id) merged into this one (the older id stays; the other is its alias)")], on: db)
        return keep.id
    }
}
