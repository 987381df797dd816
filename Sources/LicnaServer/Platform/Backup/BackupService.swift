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
    /// The installation's clock: the backup's `createdAt`.
    let clock: any WallClock

    public init(database: any Database, masterKey: MasterKey, clock: any WallClock) {
        self.database = database
        self.masterKey = masterKey
        self.clock = clock
    }

    /// Every table, in restore order: those of `StoredTables` that are not excluded (officer sessions, for one,
    /// end with the installation; each exclusion names its reason there).
    static let tables: [any BackupTable] = StoredTables.all.compactMap { table in
        switch table.backup {
        case .columns(let order): RawBackupTable(table: table, orderColumn: order)
        case .model(let model): model.backupTable
        case .excluded: nil
        }
    }

    /// The tables whose identifiers the database generates: after a restore, PostgreSQL's sequences continue after
    /// the restored rows.
    static let generatedIdentifiers: [(table: SchemaTable, column: SchemaColumn)] = StoredTables.all.flatMap { table in
        table.columns.filter { $0.role == .identifier(generated: true) }.map { (table, $0) }
    }

    static let currentVersion = BackupFileReader.currentVersion

    // The file's framing, shared with the backup fuzzer (LicnaCore's `BackupFileReader`).
    typealias Header = BackupFileReader.Header
    typealias Line = BackupFileReader.Line
    typealias End = BackupFileReader.End

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

    /// Why a backup cannot be restored (`error.restore.<what>`); nothing was restored.
    public struct Failure: LicnaError, Hashable {
        public let code: ErrorCode
        public var arguments: [String: String] = [:]

        public var messageKey: String { "error.restore." + code.rawValue.dropFirst("restore-".count) }

        public var category: ErrorCategory {
            switch code {
            case .restoreRootNeeded: .usage
            case .restoreNotEmpty: .conflict
            case .restoreFormat, .restoreVersion, .restoreLegacy: .invalidInput
            default: .refused
            }
        }

        /// Every code a `Failure` carries.
        public static let allCodes: [ErrorCode] = [
            .restoreNotEmpty, .restoreFormat, .restoreChanged, .restoreKeys, .restoreTruncated, .restoreVersion,
            .restoreMasterKey, .restoreLegacy, .restoreMAC, .restoreRootNeeded, .restoreRootMismatch,
        ]
    }

    var masterKeyCheck: String { BackupFileReader(masterKey: masterKey).masterKeyCheck }

    /// The MAC over a backup's bytes: HMAC-SHA256 under its own subkey of the master key.
    func makeMAC() -> HMAC<SHA256> { BackupFileReader(masterKey: masterKey).makeMAC() }

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
        let header = Header(createdAt: clock.now, backupId: id.hexString, masterKeyCheck: masterKeyCheck,
                            tables: Self.tables.map { $0.schema })
        try macWrite(try encoder.encode(header) + Data("\n".utf8))
        return try await database.retryingTransaction { db in
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
        guard persons == 0, audit == 0, authorities == 0 else { throw Failure(code: .restoreNotEmpty) }
        let nextLine = try open()
        _ = nextLine()  // the header, checked above
        let byName = Dictionary(uniqueKeysWithValues: Self.tables.map { ($0.schema, $0) })
        let vault = TrustKeyVault(masterKey: masterKey)
        return try await database.retryingTransaction { db in
            for table in Self.tables.reversed() { try await table.deleteAll(on: db) }
            var restored = 0
            var batch: [String: [Data]] = [:]
            func flush(_ name: String) async throws {
                guard let rows = batch[name], !rows.isEmpty, let table = byName[name] else { return }
                try await table.insert(rows, on: db, decoder: decoder)
                batch[name] = []
            }
            while let data = nextLine() {
                guard let line = try? decoder.decode(Line.self, from: data) else { throw Failure(code: .restoreFormat) }
                if line.end == true { break }
                guard let name = line.table, byName[name] != nil else { throw Failure(code: .restoreFormat) }
                batch[name, default: []].append(data)
                restored += 1
                if batch[name, default: []].count >= 1_000 { try await flush(name) }
            }
            // The file changed between the check and now: nothing of it stays.
            guard restored == checked.rows else { throw Failure(code: .restoreChanged) }
            for table in Self.tables { try await flush(table.schema) }
            if db.sql.dialect.name == "postgresql" {
                for (table, column) in Self.generatedIdentifiers {
                    _ = try await db.sql.raw("SELECT setval(pg_get_serial_sequence('\(unsafeRaw: table.name)', '\(unsafeRaw: column.name)'), COALESCE((SELECT MAX(\(column)) FROM \(table)), 0) + 1, false)").all()
                }
            }
            // A backup made before `UppercaseCardApplicationPersonIDs` names card holders in lowercase: the form of today.
            try await UppercaseCardApplicationPersonIDs.rewrite(on: db)
            // Keys from a version 1 file are bound to their rows now; then each must open in its row and match its
            // certificate, under the pinned root.
            try await vault.upgradeSealing(on: db)
            do {
                try await TrustHierarchy.load(on: db, vault: vault)?.verifyIntegrity()
            } catch let error as TrustError {
                throw Failure(code: .restoreKeys, arguments: ["detail": error.detail])
            }
            return restored
        }
    }

    /// Runs `body`, turning the file reader's refusal into the restore's own failure with the same code.
    private static func restoreFailure<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as BackupFileReader.Failure {
            throw Failure(code: error.code)
        }
    }

    /// The first pass: header, MAC over every byte, row count and the root's fingerprint. Writes nothing.
    private func check(_ nextLine: () -> Data?, decoder: JSONDecoder, options: RestoreOptions) throws -> (rows: Int, version: Int) {
        let checked = try Self.restoreFailure {
            try BackupFileReader(masterKey: masterKey).check(nextLine, decoder: decoder, acceptLegacy: options.acceptLegacy) { table, data in
                table == PKIAuthoritiesTable.table.name ? PKIAuthoritiesTable.rootCertificate(inLine: data, decoder: decoder) : nil
            }
        }
        if let rootDER = checked.rootCertificate {
            let actual = Array(SHA256.hash(data: rootDER))
            guard let pinned = options.rootSHA256 else { throw Failure(code: .restoreRootNeeded) }
            guard pinned == actual else {
                throw Failure(code: .restoreRootMismatch, arguments: ["actual": actual.hexString])
            }
        }
        return (checked.rows, checked.version)
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
    var schema: String { get }
    func dump(on database: any Database, encoder: JSONEncoder, write: @Sendable (Data) throws -> Void) async throws -> Int
    func insert(_ lines: [Data], on database: any Database, decoder: JSONDecoder) async throws
    func deleteAll(on database: any Database) async throws
}

/// A Fluent model whose rows are backed up in their Codable form, a page at a time in the order of their ids.
protocol BackupModel: Model where IDValue: Comparable {}

extension BackupModel {
    static var backupTable: any BackupTable { ModelBackupTable<Self>() }
}

private struct BackupLine<Row: Codable>: Codable {
    let table: String
    let row: Row
}

/// The backup of a model's table.
struct ModelBackupTable<Row: BackupModel>: BackupTable {
    var schema: String { Row.schema }

    func dump(on database: any Database, encoder: JSONEncoder, write: @Sendable (Data) throws -> Void) async throws -> Int {
        var count = 0
        var after: Row.IDValue?
        while true {
            var query = Row.query(on: database).sort(\._$id).limit(2_000)
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

    func insert(_ lines: [Data], on database: any Database, decoder: JSONDecoder) async throws {
        let models = try lines.map { try decoder.decode(BackupLine<Row>.self, from: $0).row }
        try await models.create(on: database)
    }

    func deleteAll(on database: any Database) async throws {
        try await Row.query(on: database).delete()
    }
}

extension AuditHeadModel: BackupModel {}
extension AuditEntryModel: BackupModel {}
extension IdentificationNumberModel: BackupModel {}
extension RegistryImportModel: BackupModel {}
extension PersonModel: BackupModel {}
extension LifeEventModel: BackupModel {}
