import Fluent
import SQLKit

/// A table Licna stores: its name, its columns in order, its unique constraints and how a backup treats it. Defined
/// once (`StoredTables`) and used by the migration that creates it, by `licna backup`/`restore` and by the queries.
struct SchemaTable: Sendable, SQLExpression {
    /// How `licna backup` treats the table's rows.
    enum Backup: Sendable {
        /// Copied column by column through SQLKit, a page of rows at a time in the order of this unique column;
        /// keys stay sealed as stored.
        case columns(orderedBy: SchemaColumn)
        /// Copied through its Fluent model, whose Codable form is the row's form in the backup file.
        case model(any BackupModel.Type)
        /// Not in backups, for the reason given.
        case excluded(reason: String)
    }

    let name: String
    let columns: [SchemaColumn]
    /// Sets of columns whose values are unique together.
    var uniques: [[SchemaColumn]] = []
    let backup: Backup

    init(_ name: String, columns: [SchemaColumn], uniques: [[SchemaColumn]] = [], backup: Backup) {
        self.name = name
        self.columns = columns
        self.uniques = uniques
        self.backup = backup
    }

    /// The names of all columns, in order.
    var columnNames: [String] { columns.map(\.name) }

    /// Creates the table with its columns and unique constraints (in a migration).
    func create(on database: any Database) async throws {
        var builder = database.schema(name)
        for column in columns { builder = builder.field(column.definition) }
        for unique in uniques {
            builder = builder.constraint(.constraint(.unique(fields: unique.map { .key($0.key) }), name: nil))
        }
        try await builder.create()
    }

    /// Drops the table (a migration's revert).
    func delete(on database: any Database) async throws {
        try await database.schema(name).delete()
    }

    func serialize(to serializer: inout SQLSerializer) {
        SQLIdentifier(name).serialize(to: &serializer)
    }
}
