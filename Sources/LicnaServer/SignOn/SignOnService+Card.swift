import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import SQLKit

extension SignOnService {
    /// The account an eID sign-in signs in to (issue 13, item 3): the card names the registry person, and the person's
    /// oldest account is theirs. When this interaction already signed in with a password to an account not yet
    /// linked, and the person has no account, that account is linked (once, audited): the card raises it. A person
    /// without any account gets one, made from the certificate, with neither email nor password. When the person has
    /// an account and this interaction signed in with a password to another that may join it (`mayMerge`), the two
    /// become one: the older id stays.
    func cardAccount(_ holder: CardIssuanceService.CardHolder, passwordAccount: String?, context: AuditContext) async throws -> String {
        typealias Accounts = AccountsTable
        let person = holder.personID.uuidString
        return try await database.retryingTransaction { db in
            let existing = try await db.sql.select().column(Accounts.id).from(Accounts.table).where(Accounts.personID, .equal, person)
                .orderBy(Accounts.createdAt.name).orderBy(Accounts.id.name).first()
                .map { try $0.decode(column: Accounts.id.name, as: String.self) }
            if let existing {
                if let passwordAccount, try await mayMerge(existing, passwordAccount, on: db) {
                    return try await merge(existing, passwordAccount, on: db, context: context)
                }
                return existing
            }
            if let passwordAccount {
                let linked = try await db.sql.raw("""
                    UPDATE \(Accounts.table) SET \(Accounts.personID) = \(bind: person)
                    WHERE \(Accounts.id) = \(bind: passwordAccount) AND \(Accounts.personID) IS NULL RETURNING \(Accounts.id)
                    """).first()
                if linked != nil {
                    try await services.audit.append([context.event(.accountLink, .account, passwordAccount,
                                                                   detail: "linked to person \(person) through an eID sign-in with card \(holder.cardNumber)")], on: db)
                    return passwordAccount
                }
            }
            let id = UUID().uuidString.lowercased()
            try await db.sql.insert(into: Accounts.table).columns(Accounts.id, Accounts.emailVerified, Accounts.personID, Accounts.createdAt)
                .values(SQLBind(id), SQLBind(0), SQLBind(person), SQLBind(Int64(clock.now.timeIntervalSince1970))).run()
            try await services.audit.append([context.event(.accountCreate, .account, id,
                                                           detail: "made by an eID sign-in with card \(holder.cardNumber), linked to person \(person)")], on: db)
            return id
        }
    }
}
