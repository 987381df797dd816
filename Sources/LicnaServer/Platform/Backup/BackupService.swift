import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
import SQLKit

/// `licna backup` and `licna restore`: a consistent online copy of every table — the registry, the audit trail,
/// and the CA's keys, which are stored encrypted — in one portable file that restores into SQLite or PostgreSQL.
/// The master key is never in it.
///
/// Format (version 2): JSON Lines. The first line is the header `{"format":"licna-backup","version":2,"createdAt":…,
/// "backupId":…,"masterKeyCheck":…,"tables":[…]}`; then one line per row, `{"table":NAME,"row":{…}}`; the last line is
/// `{"end":true,"rows":N,"mac":HEX}`: HMAC-SHA256, under a subkey of the master key, of every byte before that line.
/// Whoever holds a backup but not the master key cannot change a row, drop one, reorder them or graft another
/// installation's rows without the MAC failing; `restore` checks it over the whole file before it writes anything,
/// then restores in one transaction, then checks that every CA key opens in its own row and belongs to its
/// certificate, and that the root is the one the operator pinned (`--root-sha256`). Version 1 files (no MAC) are
/// refused unless the operator accepts them explicitly.
public struct BackupService: Sendable {
    let database: any Database
    let masterKey: MasterKey

    public init(database: any Database, masterKey: MasterKey) {
        self.database = database
        self.masterKey = masterKey
    }

    /// Every table, in restore order. Officer sessions are not backed up: they end with the installation.
    static let tables: [any BackupTable.Type] = [
        AuditHeadModel.self, AuditEntryModel.self, IdentificationNumberModel.self, RegistryImportModel.self,
        PersonModel.self, LifeEventModel.self,
        PKISettingsTable.self, PKIAuthoritiesTable.self, PKISigningKeysTable.self, PKICertificatesTable.self,
        PKIStatusChangesTable.self, PKICRLsTable.self, PKICountersTable.self,
    ]

    static let currentVersion = 2

    struct Header: Codable {
        var format = "licna-backup"
        var version = BackupService.currentVersion
        var createdAt: Date
        /// 16 random bytes: no two backups share their bytes, even of an unchanged installation.
        var backupId: String?
        var masterKeyCheck: String
        var tables: [String]
    }

    struct Line: Decodable {
        let table: String?
        let end: Bool?
        let rows: Int?
        let mac: String?
    }

    struct End: Codable {
        var end = true
        var rows: Int
        var mac: String
    }

    /// What `restore` is told by the operator.
    public struct RestoreOptions: Sendable {
        /// The SHA-256 of the root certificate, as `licna ca init` printed it; required when the backup holds a CA.
        public var rootSHA256: [UInt8]?
        /// Accept a version 1 backup, which has no MAC (`--accept-legacy-backup`).
        public var acceptLegacy: Bool

        public init(rootSHA256: [UInt8]? = nil, acceptLegacy: Bool = false) {
            self.rootSHA256 = rootSHA256
            self.acceptLegacy = acceptLegacy
        }
    }

    public struct Failure: Error, Sendable {
        public let messageKey: String
        public var arguments: [String: String] = [:]
    }

    var masterKeyCheck: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("licna backup check".utf8), using: masterKey.derive(purpose: "backup.check", version: 1))
        return Data(mac).prefix(16).hexString
    }

    /// The MAC over a backup's bytes: HMAC-SHA256 under its own subkey of the master key.
    func makeMAC() -> HMAC<SHA256> { HMAC<SHA256>(key: masterKey.derive(purpose: "backup.mac", version: 1)) }

    /// Writes the backup through `write`, one line at a time, from one snapshot of the database.
    public func backup(write: @escaping @Sendable (Data) throws -> Void) async throws -> Int {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.dataEncodingStrategy = .base64
        let mac = MACAccumulator(makeMAC())
        let macWrite: @Sendable (Data) throws -> Void = { data in
            mac.update(data)
            try write(data)
        }
        var id = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in id.indices { id[index] = UInt8.random(in: .min ... .max, using: &generator) }
        let header = Header(createdAt: Date(), backupId: id.hexString, masterKeyCheck: masterKeyCheck,
                            tables: Self.tables.map { $0.schema })
        try macWrite(try encoder.encode(header) + Data("\n".utf8))
        return try await database.transaction { db in
            if db.sql.dialect.name == "postgresql" {
                _ = try await db.sql.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").all()
            }
            var rows = 0
            for table in Self.tables {
                rows += try await table.dump(on: db, encoder: encoder, write: macWrite)
            }
            try write(try encoder.encode(End(rows: rows, mac: mac.hex())) + Data("\n".utf8))
            return rows
        }
    }

    /// Restores a backup into this installation, which must hold no persons, no audit entries and no CA yet.
    /// `open` gives the file's lines from the start; it is called twice: once to check the MAC, the row count and the
    /// root before anything is written, once to restore, in one transaction: a failure leaves the installation as it was.
    public func restore(_ open: @Sendable () throws -> (@Sendable () -> Data?), options: RestoreOptions = .init()) async throws -> Int {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        decoder.dataDecodingStrategy = .base64
        let checked = try check(open(), decoder: decoder, options: options)
        let persons = try await PersonModel.query(on: database).count()
        let audit = try await AuditEntryModel.query(on: database).count()
        let authorities = try await PKIAuthoritiesTable.count(on: database)
        guard persons == 0, audit == 0, authorities == 0 else { throw Failure(messageKey: "error.restore.not-empty") }
        let nextLine = try open()
        _ = nextLine()  // the header, checked above
        let byName = Dictionary(uniqueKeysWithValues: Self.tables.map { ($0.schema, $0) })
        let vault = TrustKeyVault(masterKey: masterKey)
        return try await database.transaction { db in
            for table in Self.tables.reversed() { try await table.deleteAll(on: db) }
            var restored = 0
            var batch: [String: [Data]] = [:]
            func flush(_ name: String) async throws {
                guard let rows = batch[name], !rows.isEmpty, let table = byName[name] else { return }
                try await table.insert(rows, on: db, decoder: decoder)
                batch[name] = []
            }
            while let data = nextLine() {
                guard let line = try? decoder.decode(Line.self, from: data) else { throw Failure(messageKey: "error.restore.format") }
                if line.end == true { break }
                guard let name = line.table, byName[name] != nil else { throw Failure(messageKey: "error.restore.format") }
                batch[name, default: []].append(data)
                restored += 1
                if batch[name, default: []].count >= 1_000 { try await flush(name) }
            }
            // The file changed between the check and now: nothing of it stays.
            guard restored == checked.rows else { throw Failure(messageKey: "error.restore.changed") }
            for table in Self.tables { try await flush(table.schema) }
            if db.sql.dialect.name == "postgresql" {
                for table in ["identification_numbers", "pki_status_changes"] {
                    _ = try await db.sql.raw("SELECT setval(pg_get_serial_sequence('\(unsafeRaw: table)', 'id'), COALESCE((SELECT MAX(id) FROM \(unsafeRaw: table)), 0) + 1, false)").all()
                }
            }
            // Keys from a version 1 file are bound to their rows now; then each must open in its row and match its
            // certificate, under the pinned root.
            try await vault.upgradeSealing(on: db)
            do {
                try await TrustHierarchy.load(on: db, vault: vault)?.verifyIntegrity()
            } catch let error as TrustError {
                throw Failure(messageKey: "error.restore.keys", arguments: ["detail": error.detail])
            }
            return restored
        }
    }

    /// The first pass: header, MAC over every byte, row count and the root's fingerprint. Writes nothing.
    private func check(_ nextLine: () -> Data?, decoder: JSONDecoder, options: RestoreOptions) throws -> (rows: Int, version: Int) {
        guard let first = nextLine(), let header = try? decoder.decode(Header.self, from: first),
              header.format == "licna-backup" else { throw Failure(messageKey: "error.restore.format") }
        guard header.version == 1 || header.version == Self.currentVersion else { throw Failure(messageKey: "error.restore.version") }
        guard header.masterKeyCheck == masterKeyCheck else { throw Failure(messageKey: "error.restore.master-key") }
        if header.version == 1, !options.acceptLegacy { throw Failure(messageKey: "error.restore.legacy") }
        var mac = makeMAC()
        mac.update(data: first)
        mac.update(data: Data("\n".utf8))
        var rows = 0
        var rootDER: Data?
        var end: Line?
        while let data = nextLine() {
            guard let line = try? decoder.decode(Line.self, from: data) else { throw Failure(messageKey: "error.restore.format") }
            if line.end == true {
                end = line
                break
            }
            guard line.table != nil else { throw Failure(messageKey: "error.restore.format") }
            if line.table == PKIAuthoritiesTable.schema, let root = PKIAuthoritiesTable.rootCertificate(inLine: data, decoder: decoder) {
                guard rootDER == nil else { throw Failure(messageKey: "error.restore.format") }
                rootDER = root
            }
            mac.update(data: data)
            mac.update(data: Data("\n".utf8))
            rows += 1
        }
        guard let end, end.rows == rows, nextLine() == nil else { throw Failure(messageKey: "error.restore.truncated") }
        if header.version >= 2 {
            let expected = Data(mac.finalize())
            guard let given = end.mac.flatMap(Self.bytes(hex:)), given.count == expected.count,
                  zip(given, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
                throw Failure(messageKey: "error.restore.mac")
            }
        }
        if let rootDER {
            let actual = Array(SHA256.hash(data: rootDER))
            guard let pinned = options.rootSHA256 else { throw Failure(messageKey: "error.restore.root-needed") }
            guard pinned == actual else {
                throw Failure(messageKey: "error.restore.root-mismatch", arguments: ["actual": actual.hexString])
            }
        }
        return (rows, header.version)
    }

    static func bytes(hex text: String) -> [UInt8]? {
        text.utf8.count <= 128 ? ASCIIHex.decode(Array(text.utf8)) : nil
    }
}

/// The running MAC of the lines written so far (the write closure is `@Sendable`).
private final class MACAccumulator: @unchecked Sendable {
    private let lock = NSLock()
    private var mac: HMAC<SHA256>
    init(_ mac: HMAC<SHA256>) { self.mac = mac }
    func update(_ data: Data) {
        lock.lock(); defer { lock.unlock() }
        mac.update(data: data)
    }
    func hex() -> String {
        lock.lock(); defer { lock.unlock() }
        return mac.finalize().hexString
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
