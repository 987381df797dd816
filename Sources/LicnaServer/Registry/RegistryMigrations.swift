import Fluent
import SQLKit

/// Creates the civil registry's tables. Runs on SQLite and PostgreSQL.
struct CreateRegistry: AsyncMigration {
    /// The tables, in creation order; `revert` drops them in the reverse one.
    static let tables = [PersonsTable.table, IdentificationNumbersTable.table, LifeEventsTable.table, RegistryImportsTable.table]

    func prepare(on database: any Database) async throws {
        for table in Self.tables { try await table.create(on: database) }
        let sql = database.sql
        try await sql.create(index: "persons_birth_date").on(PersonsTable.table).column(PersonsTable.birthDate).run()
        try await sql.create(index: "persons_import_id").on(PersonsTable.table).column(PersonsTable.importID).run()
        // A partial index over the unissued numbers only: allocation finds the next one at once, and issuing a
        // number (or recording a million imported ones) costs no entry in it.
        typealias Numbers = IdentificationNumbersTable
        try await sql.raw("CREATE INDEX identification_numbers_pool ON \(unsafeRaw: Numbers.table.name) (\(unsafeRaw: Numbers.id.name)) WHERE \(unsafeRaw: Numbers.issuedAt.name) IS NULL").run()
    }

    func revert(on database: any Database) async throws {
        for table in Self.tables.reversed() { try await table.delete(on: database) }
    }
}
