import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import SQLKit

/// Imports a registry CSV (RegistryCSV) into the civil registry.
///
/// Two passes over the file keep memory flat whatever its size. The first validates every row, finds duplicates
/// within the file and rows already registered, and stores nothing. When a row is bad and `skipInvalid` is off,
/// the import stops there and nothing is written. The second pass writes in batched transactions, every row
/// tagged with the import's id; if it fails part-way (or the process dies), the rows of that import are deleted
/// (at once, or at the next start), so an import is all or nothing.
public struct RegistryImporter: Sendable {
    let database: any Database
    let protector: PersonalNumberProtector
    let pool: IdentificationNumberPool
    let audit: AuditLog
    let clock: any WallClock
    public var batchSize = 25_000

    public init(registry: RegistryService) {
        self.database = registry.database
        self.protector = registry.protector
        self.pool = registry.pool
        self.audit = registry.audit
        self.clock = registry.clock
    }

    /// Imports `file`. Rejected rows (with `skipInvalid`) are passed to `rejected` with their fields and reason.
    public func importFile(at path: String, skipInvalid: Bool, context: AuditContext,
                           progress: @Sendable (ImportProgress) -> Void = { _ in },
                           rejected: ([String], RegistryCSV.RowError) throws -> Void = { _, _ in }) async throws -> ImportReport {
        // Progress reports a duration: measured on the monotonic clock, not the wall clock.
        let start = ContinuousClock.now
        let today = clock.today
        var report = ImportReport()
        var badLines = Set<Int>()
        var existingLines = Set<Int>()
        var seenJMBG = Set<Int64>()
        var seenNumbers = Set<Int32>()
        var good = 0

        // Pass 1: validate, find duplicates and rows already registered.
        var reader = try CSVFileReader(path: path)
        try checkHeader(&reader)
        var pending: [(line: Int, record: PersonRecord)] = []
        func flushExisting() async throws {
            guard !pending.isEmpty else { return }
            let existing = Set(try await PersonModel.query(on: database)
                .filter(\.$jmbgIndex ~~ pending.map { protector.blindIndex($0.record.jmbg) }).all(\.$jmbgIndex))
            let numbers = pending.compactMap { $0.record.identificationNumber?.digits }
            let takenNumbers = numbers.isEmpty ? [] : Set(try await PersonModel.query(on: database)
                .filter(\.$identificationNumber ~~ numbers).all(\.$identificationNumber))
            for row in pending {
                if existing.contains(protector.blindIndex(row.record.jmbg)) {
                    existingLines.insert(row.line)
                    report.alreadyRegistered.append(row.line)
                    good -= 1
                } else if let number = row.record.identificationNumber, takenNumbers.contains(number.digits) {
                    badLines.insert(row.line)
                    report.rejected.append(RegistryCSV.RowError(line: row.line, code: .importIdentificationNumberTaken))
                    good -= 1
                }
            }
            pending.removeAll(keepingCapacity: true)
        }
        while let (line, fields) = try reader.next() {
            do {
                let record = try RegistryCSV.person(from: fields, line: line, today: today)
                // A JMBG and an identification number are ASCII digits once parsed; a failed conversion is a bad row.
                guard let jmbgKey = Int64(record.jmbg.digits), seenJMBG.insert(jmbgKey).inserted else {
                    throw RegistryCSV.RowError(line: line, code: .importDuplicateInFile)
                }
                if let number = record.identificationNumber, !seenNumbers.insert(Int32(number.digits) ?? -1).inserted {
                    throw RegistryCSV.RowError(line: line, code: .importIdentificationNumberDuplicateInFile)
                }
                pending.append((line, record))
                good += 1
                if pending.count == batchSize { try await flushExisting() }
            } catch let error as RegistryCSV.RowError {
                badLines.insert(line)
                report.rejected.append(error)
            }
            if line % 10_000 == 0 {
                progress(.init(phase: "validating", rowsDone: line - 1, rowsTotal: nil, elapsedSeconds: Self.seconds(since: start)))
            }
        }
        try await flushExisting()
        report.rejected.sort { $0.line < $1.line }
        seenJMBG = []
        seenNumbers = []
        if !report.rejected.isEmpty && !skipInvalid {
            report.refused = true
            return report
        }
        if !report.rejected.isEmpty {
            var rejectedByLine = Dictionary(report.rejected.map { ($0.line, $0) }, uniquingKeysWith: { first, _ in first })
            var again = try CSVFileReader(path: path)
            try checkHeader(&again)
            while let (line, fields) = try again.next() {
                if let error = rejectedByLine.removeValue(forKey: line) { try rejected(fields, error) }
            }
        }
        guard good > 0 else { return report }

        // Pass 2: write in batches under one import id. While one batch is inserted (SQLite works on its own
        // thread), the next is read and prepared.
        let importModel = RegistryImportModel()
        importModel.id = UUID()
        importModel.state = "running"
        importModel.actor = context.actor
        importModel.rows = good
        importModel.startedAt = clock.now
        try await importModel.create(on: database)
        let importID = try importModel.requireID()
        var inFlight: Task<Void, any Error>?
        do {
            try await audit.append(context.event(.registryImportStarted, .import, importID.uuidString, detail: "\(good) rows"), on: database)
            var writer = try CSVFileReader(path: path)
            try checkHeader(&writer)
            var batch: [PersonRecord] = []
            var written = 0
            while let (line, fields) = try writer.next() {
                guard !badLines.contains(line), !existingLines.contains(line) else { continue }
                batch.append(try RegistryCSV.person(from: fields, line: line, today: today))
                if batch.count == batchSize {
                    inFlight = try await handOff(prepare(batch), after: inFlight, importID: importID)
                    written += batch.count
                    batch.removeAll(keepingCapacity: true)
                    progress(.init(phase: "writing", rowsDone: written - batchSize, rowsTotal: good, elapsedSeconds: Self.seconds(since: start)))
                }
            }
            inFlight = try await handOff(prepare(batch), after: inFlight, importID: importID)
            written += batch.count
            try await inFlight?.value
            inFlight = nil
            progress(.init(phase: "writing", rowsDone: written, rowsTotal: good, elapsedSeconds: Self.seconds(since: start)))
            let total = written
            try await database.retryingTransaction { db in
                importModel.state = "committed"
                importModel.finishedAt = clock.now
                try await importModel.save(on: db)
                try await audit.append([context.event(.registryImportCommitted, .import, importID.uuidString,
                                                      detail: "\(total) persons created")], on: db)
            }
            report.imported = written
            if database.sql.dialect.name == "sqlite" {
                // Fold the large write-ahead log back into the database file, so later reads need not consult it.
                _ = try? await database.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").all()
            }
            return report
        } catch {
            // Let a batch still being inserted finish (or fail) before its rows are deleted.
            _ = try? await inFlight?.value
            try? await Self.rollBack(importID: importID, on: database, audit: audit, actor: context.actor)
            throw error
        }
    }

    private func checkHeader(_ reader: inout CSVFileReader) throws {
        guard let (_, header) = try reader.next() else { throw ImportFailure(line: 1, reason: "empty-file") }
        if RegistryCSV.checkHeader(header) != nil { throw ImportFailure(line: 1, reason: "header") }
    }

    /// A row ready for the database: the JMBG sealed and indexed, the names folded; compact, so that a large
    /// batch costs little memory (the SQL binds are made 1,000 rows at a time).
    struct PreparedRow: Sendable {
        let id: UUID
        let sealed: SealedValue
        let blindIndex: Data
        let record: PersonRecord
        let folded: String

        func binds(identificationNumber: IdentificationNumber, importID: UUID, now: Date) -> [any SQLExpression] {
            [SQLBind(id), SQLBind(identificationNumber.digits), SQLBind(sealed.combined), SQLBind(sealed.keyVersion),
             SQLBind(blindIndex), SQLBind(record.givenName), SQLBind(record.surname), SQLBind(record.givenNameCyrillic),
             SQLBind(record.surnameCyrillic), SQLBind(folded), SQLBind(record.birthDate.iso8601), SQLBind(record.birthPlace),
             SQLBind(record.sex.rawValue), SQLBind(record.citizenship), SQLBind(record.address), SQLBind(record.municipality),
             SQLBind(record.status.rawValue), SQLBind(record.deathDate?.iso8601), SQLBind(importID), SQLBind(now), SQLBind(now)]
        }
    }

    /// The CPU-bound part of writing a batch — sealing, blind indexes, name folding — done outside the
    /// transaction, so that it overlaps with the previous batch's insert.
    func prepare(_ batch: [PersonRecord]) -> [PreparedRow] {
        var random = BufferedSystemRandom()
        let now = clock.now
        return batch.map { record in
            let id = TimeOrderedUUID.make(at: now, using: &random)
            return PreparedRow(id: id, sealed: protector.seal(record.jmbg, owner: id.uuidString),
                               blindIndex: protector.blindIndex(record.jmbg), record: record,
                               folded: PersonModel.foldedNames(record))
        }
    }

    /// Waits for the previous batch's insert (so that its failure stops the import), then starts this one.
    private func handOff(_ prepared: [PreparedRow], after previous: Task<Void, any Error>?, importID: UUID) async throws -> Task<Void, any Error> {
        if let previous { try await previous.value }
        return Task { [self] in try await insert(prepared, importID: importID) }
    }

    /// Inserts prepared rows in one transaction, with numbers from the pool for the rows that have none.
    func insert(_ batch: [PreparedRow], importID: UUID) async throws {
        guard !batch.isEmpty else { return }
        try await database.retryingTransaction { db in
            let sql = db.sql
            if sql.dialect.name == "sqlite" {
                // Random keys (blind indexes, numbers, birth dates) touch pages all over their indexes: a 96 MiB
                // page cache for this connection keeps them in memory instead of re-reading them for every batch.
                _ = try await sql.raw("PRAGMA cache_size = -98304").all()
                // Checkpoint every ~200 MiB of WAL rather than 4 MiB: pages rewritten by consecutive batches are
                // copied into the database once.
                _ = try await sql.raw("PRAGMA wal_autocheckpoint = 50000").all()
            }
            var fresh = try await pool.allocate(batch.count { $0.record.identificationNumber == nil }, on: db).makeIterator()
            try await pool.markIssued(batch.compactMap { $0.record.identificationNumber }, on: db)
            let now = clock.now
            // SQLite allows 32,766 bound values per statement: 21 columns × 1,000 rows stays below.
            for start in stride(from: 0, to: batch.count, by: 1_000) {
                var rows: [[any SQLExpression]] = []
                rows.reserveCapacity(1_000)
                for row in batch[start..<min(start + 1_000, batch.count)] {
                    // `allocate` returned exactly one number per row that has none.
                    guard let number = row.record.identificationNumber ?? fresh.next() else { throw RegistryError.poolExhausted }
                    rows.append(row.binds(identificationNumber: number, importID: importID, now: now))
                }
                try await sql.insert(into: PersonModel.schema).columns(PersonColumns.names).rows(rows).run()
            }
        }
    }

    /// Deletes the rows of an import that did not commit, and says so in the audit trail.
    static func rollBack(importID: UUID, on database: any Database, audit: AuditLog, actor: String) async throws {
        try await database.retryingTransaction { db in
            try await PersonModel.query(on: db).filter(\.$importID == importID).delete()
            try await RegistryImportModel.query(on: db).filter(\.$id == importID).set(\.$state, to: "rolled-back").update()
            try await audit.append([AuditEvent(actor: actor, purpose: .importRollback, action: .registryImportRolledBack,
                                               objectType: .import, objectID: importID.uuidString)], on: db)
        }
    }

    /// Seconds from `start` to now on the monotonic clock.
    static func seconds(since start: ContinuousClock.Instant) -> TimeInterval {
        let duration = start.duration(to: .now)
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Undoes every import left `running` by a process that died. Run at start, before serving.
    public static func rollBackInterrupted(on database: any Database, audit: AuditLog) async throws -> Int {
        let running = try await RegistryImportModel.query(on: database).filter(\.$state == "running").all()
        for model in running {
            try await rollBack(importID: model.requireID(), on: database, audit: audit, actor: "system")
        }
        return running.count
    }
}

/// The file itself cannot be imported (no header, wrong header, broken CSV syntax, unreadable): nothing of it is
/// imported (exit 1), and the message names the line and the reason.
public struct ImportFailure: LicnaError, Hashable {
    public let line: Int
    /// `unreadable`, `empty-file`, `header` or `csv-<reason>` (a `CSVReader.SyntaxError` code).
    public let reason: String

    public var code: ErrorCode { .importFileUnusable }
    public var category: ErrorCategory { .invalidInput }
    public var messageKey: String { "error.import.file" }
    public var arguments: [String: String] { ["line": String(line), "reason": reason] }
    public var detail: String { "line \(line): \(reason)" }
}

extension ErrorCode {
    /// The registry file cannot be imported at all.
    public static let importFileUnusable = ErrorCode("import-file-unusable")
}
