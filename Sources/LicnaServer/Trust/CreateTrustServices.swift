import Fluent
import SQLKit

/// Creates the trust services' tables (`TrustTables.swift` defines them). Times are Unix seconds (the same on SQLite
/// and PostgreSQL); keys are sealed under the master key (`TrustKeyVault`), the root's additionally under its own
/// passphrase.
struct CreateTrustServices: AsyncMigration {
    /// The tables, in creation order; `revert` drops them in the reverse one.
    static let tables = [PKIAuthoritiesTable.table, PKISigningKeysTable.table, PKICertificatesTable.table, PKIStatusChangesTable.table,
                         PKICRLsTable.table, PKICountersTable.table, PKISettingsTable.table]

    func prepare(on database: any Database) async throws {
        for table in Self.tables { try await table.create(on: database) }
        let sql = database.sql
        // A CRL run reads the revoked and held certificates of one partition.
        try await sql.create(index: "pki_certificates_partition").on(PKICertificatesTable.table)
            .column(PKICertificatesTable.authorityID).column(PKICertificatesTable.partitionNumber).column(PKICertificatesTable.status).run()
        try await sql.insert(into: PKICountersTable.table).columns(PKICountersTable.id, PKICountersTable.value)
            .values(SQLBind(PKICountersTable.timestampSerial), SQLBind(Int64(0))).run()
    }

    func revert(on database: any Database) async throws {
        for table in Self.tables.reversed() { try await table.delete(on: database) }
    }
}
