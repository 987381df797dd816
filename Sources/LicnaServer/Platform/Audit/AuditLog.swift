import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import Logging
import SQLKit

/// The append-only, hash-chained audit trail (ARCHITECTURE.md, "One audit trail").
///
/// Appending first bumps the head row (`UPDATE … RETURNING`), which takes the write lock in SQLite and the row
/// lock in PostgreSQL before anything is read: concurrent appends from any number of processes queue there and
/// the chain stays linear. Call `append` inside the transaction that makes the change, so both land or neither.
public struct AuditLog: Sendable {
    static let logger = Logger(label: "licna.audit")
    let clock: any WallClock
    /// On an SQLite installation, the one-job path for appends in a transaction of their own (`appendAlone`).
    let sqliteAppender: SQLiteAuditAppender?

    /// With `sqliteFile` (an SQLite installation's file), appends in a transaction of their own go straight to it.
    public init(clock: any WallClock, sqliteFile: String? = nil) {
        self.clock = clock
        sqliteAppender = sqliteFile.map(SQLiteAuditAppender.init(path:))
    }

    /// Appends events, in order, on `database` (which should be the transaction of the change).
    public func append(_ events: [AuditEvent], on database: any Database) async throws {
        guard !events.isEmpty else { return }
        let sql = database.sql
        typealias Head = AuditHeadTable
        guard let row = try await sql.raw("""
            UPDATE \(Head.table) SET \(Head.sequence) = \(Head.sequence) + \(unsafeRaw: String(events.count)) WHERE \(Head.id) = 1 RETURNING \(Head.sequence), \(Head.hash)
            """).first() else {
            throw AuditLogError.headMissing
        }
        let newSequence = try row.decode(column: Head.sequence.name, as: Int.self)
        let head = (sequence: newSequence - events.count, hash: try row.decode(column: Head.hash.name, as: String.self))
        let records = Self.records(for: events, after: head, at: clock.now)
        // Straight SQL, one statement per 500 entries: every audited read passes here, and Fluent's model
        // machinery cost more than the insert itself (BENCHMARKS.md).
        typealias Entries = AuditEntriesTable
        for chunk in stride(from: 0, to: records.count, by: 500) {
            var insert = sql.insert(into: Entries.table)
                .columns(Entries.id, Entries.timeMilliseconds, Entries.actor, Entries.purpose, Entries.action, Entries.objectType,
                         Entries.objectID, Entries.detail, Entries.previousHash, Entries.hash)
            for record in records[chunk..<min(chunk + 500, records.count)] {
                insert = insert.values(SQLBind(record.sequence), SQLBind(AuditEntryModel.milliseconds(record.time)), SQLBind(record.actor),
                                       SQLBind(record.purpose), SQLBind(record.action), SQLBind(record.objectType),
                                       SQLBind(record.objectID), SQLBind(record.detail), SQLBind(record.previousHash), SQLBind(record.hash))
            }
            try await insert.run()
        }
        if let last = records.last {
            try await sql.update(Head.table).set(Head.hash, to: last.hash).where(Head.id, .equal, 1).run()
        }
    }

    /// The entries that follow `head` (the sequence and hash of the last entry written), one per event, chained.
    static func records(for events: [AuditEvent], after head: (sequence: Int, hash: String), at time: Date) -> [AuditRecord] {
        var previous = head
        return events.map { event in
            let record = AuditRecord(after: previous, time: time, actor: event.actor, purpose: event.purpose.rawValue,
                                     action: event.action.rawValue, objectType: event.objectType.rawValue, objectID: event.objectID,
                                     detail: event.detail)
            previous = (record.sequence, record.hash)
            return record
        }
    }

    /// Appends one event in a transaction of its own (for reads, which change nothing else).
    public func append(_ event: AuditEvent, on database: any Database) async throws {
        try await appendAlone([event], on: database)
    }

    /// Appends events in a transaction of their own (for reads, which change nothing else), durable before it
    /// returns. On an SQLite installation outside a transaction this is one job on the file (`SQLiteAuditAppender`),
    /// taking its turn with this process's other writers; otherwise, or if that path fails (it wrote nothing then),
    /// a transaction through the driver.
    public func appendAlone(_ events: [AuditEvent], on database: any Database) async throws {
        guard !events.isEmpty else { return }
        if let sqliteAppender, !database.inTransaction, database.sql.dialect.name == "sqlite" {
            do {
                return try await SQLiteWriteGate.of(database).passing { [clock] in try await sqliteAppender.append(events, clock: clock) }
            } catch let failure as SQLiteFileConnection.Failure {
                // The driver's path follows, and reports its own error if the database is at fault.
                Self.logger.warning("audit append through the driver: the direct path failed", metadata: ["reason": "\(failure)"])
            }
        }
        try await database.retryingTransaction { try await append(events, on: $0) }
    }

    /// The result of checking the whole chain.
    public struct Verification: Sendable {
        public let entries: Int
        public let firstBreak: AuditChainVerifier.Break?
    }

    /// Reads the chain in order, a page at a time, and names the first broken entry.
    public func verify(on database: any Database) async throws -> Verification {
        var verifier = AuditChainVerifier()
        var after = 0
        while true {
            let page = try await AuditEntryModel.query(on: database)
                .filter(\.$id > after).sort(\.$id).limit(5000).all()
            for model in page {
                if let broken = verifier.check(model.record) {
                    return Verification(entries: verifier.count, firstBreak: broken)
                }
            }
            guard let last = page.last?.id else { break }
            after = last
        }
        guard let head = try await AuditHeadModel.find(1, on: database) else {
            return Verification(entries: verifier.count, firstBreak: .init(sequence: 0, reason: .missing))
        }
        if head.sequence > after {
            return Verification(entries: verifier.count, firstBreak: .init(sequence: after + 1, reason: .missing))
        }
        let lastHash = after == 0 ? AuditRecord.genesisHash : try await AuditEntryModel.find(after, on: database)?.hash
        if head.sequence < after || head.hash != lastHash {
            return Verification(entries: verifier.count, firstBreak: .init(sequence: after, reason: .altered))
        }
        return Verification(entries: verifier.count, firstBreak: nil)
    }

    /// The entries that name any of `objectIDs`, oldest first.
    public func entries(touching objectIDs: [String], on database: any Database) async throws -> [AuditRecord] {
        try await AuditEntryModel.query(on: database).filter(\.$objectID ~~ objectIDs).sort(\.$id).all().map(\.record)
    }
}

/// A failure of the audit trail itself: Licna's own state, so the message says how to check it.
public struct AuditLogError: LicnaError, Hashable {
    public let code: ErrorCode
    /// Detail for logs.
    public let detail: String

    public var category: ErrorCategory { .internal }
    public var messageKey: String { "error.audit." + code.rawValue }

    /// The audit trail's head row is missing.
    public static let headMissing = AuditLogError(code: .auditHeadMissing, detail: "the audit trail's head row is missing; run `licna audit verify`")

    /// Every code an `AuditLogError` carries.
    public static let allCodes: [ErrorCode] = [.auditHeadMissing]
}

extension ErrorCode {
    /// The row that holds the audit trail's head is missing.
    public static let auditHeadMissing = ErrorCode("head-missing")
}
