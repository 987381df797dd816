import Crypto
import Fluent
import Foundation
import LicnaCore
import SQLKit

/// `licna backup` and `licna restore`: a consistent online copy of every table — the registry, the audit trail,
/// and (as later contexts add them) the CA's keys, which are stored encrypted — in one portable file that restores
/// into SQLite or PostgreSQL. The master key is never in it: the file holds a check value that tells, on restore,
/// whether the key given is the one the data was sealed under.
///
/// Format: JSON Lines. The first line is the header `{"format":"licna-backup","version":1,"createdAt":…,
/// "masterKeyCheck":…,"tables":[…]}`; then one line per row, `{"table":NAME,"row":{…}}`; the last line is
/// `{"end":true,"rows":N}`, so a truncated file is refused.
public struct BackupService: Sendable {
    let database: any Database
    let masterKey: MasterKey

    public init(database: any Database, masterKey: MasterKey) {
        self.database = database
        self.masterKey = masterKey
    }

    /// Every table, in restore order.
    static let tables: [any BackupTable.Type] = [
        AuditHeadModel.self, AuditEntryModel.self, IdentificationNumberModel.self, RegistryImportModel.self,
        PersonModel.self, LifeEventModel.self,
        PKISettingsTable.self, PKIAuthoritiesTable.self, PKISigningKeysTable.self, PKICertificatesTable.self,
        PKIStatusChangesTable.self, PKICRLsTable.self, PKICountersTable.self,
    ]

    struct Header: Codable {
        var format = "licna-backup"
        var version = 1
        var createdAt: Date
        var masterKeyCheck: String
        var tables: [String]
    }

    struct Line: Decodable {
        let table: String?
        let end: Bool?
        let rows: Int?
    }

    struct End: Codable {
        var end = true
        var rows: Int
    }

    public struct Failure: Error, Sendable {
        public let messageKey: String
    }

    var masterKeyCheck: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("licna backup check".utf8), using: masterKey.derive(purpose: "backup.check", version: 1))
        return Data(mac).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Writes the backup through `write`, one line at a time, from one snapshot of the database.
    public func backup(write: @escaping @Sendable (Data) throws -> Void) async throws -> Int {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.dataEncodingStrategy = .base64
        let header = Header(createdAt: Date(), masterKeyCheck: masterKeyCheck, tables: Self.tables.map { $0.schema })
        try write(try encoder.encode(header) + Data("\n".utf8))
        return try await database.transaction { db in
            if (db as? any SQLDatabase)?.dialect.name == "postgresql" {
                _ = try await (db as! any SQLDatabase).raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").all()
            }
            var rows = 0
            for table in Self.tables {
                rows += try await table.dump(on: db, encoder: encoder, write: write)
            }
            try write(try encoder.encode(End(rows: rows)) + Data("\n".utf8))
            return rows
        }
    }

    /// Restores a backup into this installation, which must hold no persons and no audit entries yet.
    /// One transaction: a failure leaves the installation as it was.
    public func restore(nextLine: @escaping @Sendable () -> Data?) async throws -> Int {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        decoder.dataDecodingStrategy = .base64
        guard let first = nextLine(), let header = try? decoder.decode(Header.self, from: first),
              header.format == "licna-backup" else { throw Failure(messageKey: "error.restore.format") }
        guard header.version == 1 else { throw Failure(messageKey: "error.restore.version") }
        guard header.masterKeyCheck == masterKeyCheck else { throw Failure(messageKey: "error.restore.master-key") }
        let persons = try await PersonModel.query(on: database).count()
        let audit = try await AuditEntryModel.query(on: database).count()
        let authorities = try await (database as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM pki_authorities").first()?.decode(column: "n", as: Int.self) ?? 0
        guard persons == 0, audit == 0, authorities == 0 else { throw Failure(messageKey: "error.restore.not-empty") }
        let byName = Dictionary(uniqueKeysWithValues: Self.tables.map { ($0.schema, $0) })
        return try await database.transaction { db in
            for table in Self.tables.reversed() { try await table.deleteAll(on: db) }
            var restored = 0
            var batch: [String: [Data]] = [:]
            var sawEnd = false
            func flush(_ name: String) async throws {
                guard let rows = batch[name], !rows.isEmpty, let table = byName[name] else { return }
                try await table.insert(rows, on: db, decoder: decoder)
                batch[name] = []
            }
            while let data = nextLine() {
                guard let line = try? decoder.decode(Line.self, from: data) else { throw Failure(messageKey: "error.restore.format") }
                if line.end == true {
                    guard line.rows == restored else { throw Failure(messageKey: "error.restore.truncated") }
                    sawEnd = true
                    break
                }
                guard let name = line.table, byName[name] != nil else { throw Failure(messageKey: "error.restore.format") }
                batch[name, default: []].append(data)
                restored += 1
                if batch[name]!.count >= 1_000 { try await flush(name) }
            }
            guard sawEnd else { throw Failure(messageKey: "error.restore.truncated") }
            for table in Self.tables { try await flush(table.schema) }
            if let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" {
                for table in ["identification_numbers", "pki_status_changes"] {
                    _ = try await sql.raw("SELECT setval(pg_get_serial_sequence('\(unsafeRaw: table)', 'id'), COALESCE((SELECT MAX(id) FROM \(unsafeRaw: table)), 0) + 1, false)").all()
                }
            }
            return restored
        }
    }
}

/// A table that takes part in backups.
protocol BackupTable: Sendable {
    static var schema: String { get }
    static func dump(on database: any Database, encoder: JSONEncoder, write: @Sendable (Data) throws -> Void) async throws -> Int
    static func insert(_ lines: [Data], on database: any Database, decoder: JSONDecoder) async throws
    static func deleteAll(on database: any Database) async throws
}

private struct BackupLine<Row: Codable>: Codable {
    let table: String
    let row: Row
}

extension BackupTable where Self: Model, IDValue: Comparable {
    static func dump(on database: any Database, encoder: JSONEncoder, write: @Sendable (Data) throws -> Void) async throws -> Int {
        var count = 0
        var after: IDValue?
        while true {
            var query = Self.query(on: database).sort(\._$id).limit(2_000)
            if let after { query = query.filter(\._$id > after) }
            let page = try await query.all()
            for model in page {
                try write(try encoder.encode(BackupLine(table: schema, row: model)) + Data("\n".utf8))
            }
            count += page.count
            guard let last = page.last?.id else { return count }
            after = last
        }
    }

    static func insert(_ lines: [Data], on database: any Database, decoder: JSONDecoder) async throws {
        let models = try lines.map { try decoder.decode(BackupLine<Self>.self, from: $0).row }
        try await models.create(on: database)
    }

    static func deleteAll(on database: any Database) async throws {
        try await Self.query(on: database).delete()
    }
}

extension AuditHeadModel: BackupTable {}
extension AuditEntryModel: BackupTable {}
extension IdentificationNumberModel: BackupTable {}
extension RegistryImportModel: BackupTable {}
extension PersonModel: BackupTable {}
extension LifeEventModel: BackupTable {}
