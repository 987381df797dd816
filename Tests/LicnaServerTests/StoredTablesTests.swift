import Fluent
import Foundation
@testable import LicnaServer
import SQLKit
import Testing

/// Issue 11, item 2: each table is defined once (`StoredTables`), and the migration, the backup and the queries use
/// that definition. The migrated database must hold exactly the defined tables and columns, and every table is either
/// in the backup or excluded with its reason, so that a new table cannot be forgotten by `licna backup`.
@Suite struct StoredTablesTests {
    /// The tables and their columns, in order, as the database's catalog lists them.
    static func catalog(of database: any Database) async throws -> [String: [String]] {
        let sql = database.sql
        var tables: [String: [String]] = [:]
        if sql.dialect.name == "postgresql" {
            let rows = try await sql.raw("""
                SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()
                ORDER BY table_name, ordinal_position
                """).all()
            for row in rows {
                tables[try row.decode(column: "table_name", as: String.self), default: []].append(try row.decode(column: "column_name", as: String.self))
            }
        } else {
            let names = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all()
                .map { try $0.decode(column: "name", as: String.self) }
            for name in names {
                tables[name] = try await sql.raw("PRAGMA table_info(\(ident: name))").all().map { try $0.decode(column: "name", as: String.self) }
            }
        }
        for name in StoredTables.foreign { tables[name] = nil }
        return tables
    }

    @Test(arguments: TestEngine.available)
    func theMigrationsCreateExactlyTheDefinedTablesAndColumns(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            let catalog = try await Self.catalog(of: app.db)
            let defined = Dictionary(uniqueKeysWithValues: StoredTables.all.map { ($0.name, $0.columnNames) })
            #expect(Set(catalog.keys) == Set(defined.keys), "a migration creates a table StoredTables does not define, or the reverse")
            for (name, columns) in defined {
                #expect(catalog[name] == columns, "the columns of \(name)")
            }
        }
    }

    @Test func everyTableIsBackedUpOrExcludedWithAReason() {
        let names = StoredTables.all.map(\.name)
        #expect(Set(names).count == names.count)
        var backedUp: [String] = []
        for table in StoredTables.all {
            switch table.backup {
            case .excluded(let reason):
                #expect(reason.count > 20, "\(table.name) is excluded without a reason")
            case .model(let model):
                #expect(model.schema == table.name)
                backedUp.append(table.name)
            case .columns(let order):
                #expect(table.columns.contains(order), "\(table.name) pages by a column it does not have")
                // Column by column, a row carries text, integers and bytes only (RawValue).
                #expect(table.columns.allSatisfy { ![.uuid, .datetime].contains($0.kind) }, "\(table.name) has a column the raw backup cannot carry")
                backedUp.append(table.name)
            }
        }
        #expect(BackupService.tables.map(\.schema) == backedUp)
        // The order and the names of the backup format (version 2) stay as they were: existing backups restore (a
        // backup from before card issuance simply has no card rows).
        #expect(backedUp == ["audit_head", "audit_entries", "identification_numbers", "registry_imports", "persons", "life_events",
                             "pki_settings", "pki_authorities", "pki_signing_keys", "pki_certificates", "pki_status_changes", "pki_crls",
                             "pki_counters", "card_applications", "card_chips", "accounts", "oidc_clients", "oidc_signing_keys", "oidc_consents",
                             "account_aliases", "issued_documents", "person_parents", "data_questions", "portal_counters", "mandates"])
        #expect(BackupService.generatedIdentifiers.map(\.table.name) == ["identification_numbers", "pki_status_changes"])
    }

    @Test func settingsReadAndWriteTheirStoredRows() {
        let rows: [(id: String, value: String)] = [
            ("public-url", "https://id.example"), ("country", "ME"), ("organization", "Licna"), ("development", "true"),
            ("key-sealing", "2"), ("virtual-card-root-key", "c2VhbGVk"), ("something-newer", "kept as it is"),
        ]
        let settings = InstallationSettings(rows: rows)
        #expect(settings.publicURL == "https://id.example" && settings.country == "ME" && settings.organization == "Licna")
        #expect(settings.development && settings.keySealing == 2 && settings.ocspURL == nil)
        #expect(settings.developmentCardRootKey == "c2VhbGVk" && settings.developmentCardRootCertificate == nil)
        // Written back, the known rows are the same text as read.
        #expect(settings.rows.map { "\($0.key.rawValue)=\($0.value)" }
                == ["public-url=https://id.example", "country=ME", "organization=Licna", "development=true", "key-sealing=2",
                    "virtual-card-root-key=c2VhbGVk"])
        #expect(InstallationSettings(rows: [("development", "false")]).development == false)
    }
}
