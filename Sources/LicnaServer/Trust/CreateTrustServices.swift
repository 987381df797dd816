import Fluent
import SQLKit

/// Creates the trust services' tables. Times are Unix seconds (the same on SQLite and PostgreSQL); keys are
/// sealed under the master key (`TrustKeyVault`), the root's additionally under its own passphrase.
struct CreateTrustServices: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("pki_authorities")
            .field("id", .string, .identifier(auto: false))
            .field("profile", .string, .required)
            .field("certificate", .data, .required)
            .field("sealed_key", .data, .required)
            .field("key_protection", .string, .required)
            .field("issued_count", .int64, .required)
            .field("crl_number", .int64, .required)
            .field("created_at", .int64, .required)
            .create()
        try await database.schema("pki_signing_keys")
            .field("id", .string, .identifier(auto: false))
            .field("authority_id", .string, .required)
            .field("purpose", .string, .required)
            .field("certificate", .data, .required)
            .field("sealed_key", .data, .required)
            .field("not_after", .int64, .required)
            .field("updated_at", .int64, .required)
            .create()
        try await database.schema("pki_certificates")
            .field("serial", .string, .identifier(auto: false))
            .field("authority_id", .string, .required)
            .field("profile", .string, .required)
            .field("subject", .string, .required)
            .field("partition_number", .int, .required)
            .field("not_before", .int64, .required)
            .field("not_after", .int64, .required)
            .field("status", .string, .required)
            .field("revoked_at", .int64)
            .field("reason", .int)
            .field("invalidity_date", .int64)
            .field("certificate", .data, .required)
            .field("issued_at", .int64, .required)
            .create()
        try await database.schema("pki_status_changes")
            .field("id", .int64, .identifier(auto: true))
            .field("serial", .string, .required)
            .field("authority_id", .string, .required)
            .field("changed_at", .int64, .required)
            .create()
        try await database.schema("pki_crls")
            .field("authority_id", .string, .required)
            .field("partition_number", .int, .required)
            .field("crl_number", .int64, .required)
            .field("this_update", .int64, .required)
            .field("next_update", .int64, .required)
            .field("crl", .data, .required)
            .unique(on: "authority_id", "partition_number")
            .create()
        try await database.schema("pki_counters")
            .field("id", .string, .identifier(auto: false))
            .field("value", .int64, .required)
            .create()
        try await database.schema("pki_settings")
            .field("id", .string, .identifier(auto: false))
            .field("value", .string, .required)
            .create()
        let sql = database.sql
        // A CRL run reads the revoked and held certificates of one partition.
        try await sql.create(index: "pki_certificates_partition").on("pki_certificates")
            .column("authority_id").column("partition_number").column("status").run()
        try await sql.insert(into: "pki_counters").columns("id", "value").values(SQLBind("tsa-serial"), SQLBind(Int64(0))).run()
    }

    func revert(on database: any Database) async throws {
        for table in ["pki_settings", "pki_counters", "pki_crls", "pki_status_changes", "pki_certificates", "pki_signing_keys", "pki_authorities"] {
            try await database.schema(table).delete()
        }
    }
}
