import Fluent
import SQLKit

/// Card applications name their person in the form every other table uses, `UUID.uuidString` (uppercase): until this
/// migration they were written in lowercase, so a plain comparison with `accounts.person_id`, `issued_documents`,
/// `mandates` or the audit trail missed them (the account page, the data tracker and the statistics compared in
/// lowercase to find them). Added after `CreatePortal`; `BackupService.restore` applies the same rewrite to the rows
/// of a backup made before it.
struct UppercaseCardApplicationPersonIDs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await Self.rewrite(on: database)
    }

    /// Back to the lowercase form the code before this migration writes and looks for.
    func revert(on database: any Database) async throws {
        try await Self.rewrite(on: database, to: .lower)
    }

    /// Rewrites every `card_applications.person_id` not yet in uppercase, in one statement (atomic on both engines: it
    /// changes every row or none). The unique index `card_applications_one_in_use` still holds afterwards: earlier
    /// versions wrote the lowercase form only, so no person has two rows whose ids differ only by case.
    static func rewrite(on database: any Database) async throws {
        try await rewrite(on: database, to: .upper)
    }

    /// The SQL function (the same name on SQLite and PostgreSQL) that gives a text in the case.
    private enum Case: String {
        case upper = "UPPER", lower = "LOWER"
    }

    private static func rewrite(on database: any Database, to form: Case) async throws {
        typealias Cards = CardApplicationsTable
        try await database.sql.raw("""
            UPDATE \(Cards.table) SET \(Cards.personID) = \(unsafeRaw: form.rawValue)(\(Cards.personID))
            WHERE \(Cards.personID) <> \(unsafeRaw: form.rawValue)(\(Cards.personID))
            """).run()
    }
}
