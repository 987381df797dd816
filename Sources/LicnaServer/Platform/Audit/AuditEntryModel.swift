import SQLKit
import Fluent
import Foundation
import LicnaCore

/// One stored entry of the audit trail; `id` is the entry's sequence number.
final class AuditEntryModel: Model, @unchecked Sendable {
    static let schema = AuditEntriesTable.table.name

    @ID(custom: AuditEntriesTable.id.key, generatedBy: .user) var id: Int?
    /// Milliseconds since 1970, so that the hashed time survives every database's time type exactly.
    @Field(key: AuditEntriesTable.timeMilliseconds.key) var timeMilliseconds: Int64
    @Field(key: AuditEntriesTable.actor.key) var actor: String
    @Field(key: AuditEntriesTable.purpose.key) var purpose: String
    @Field(key: AuditEntriesTable.action.key) var action: String
    @Field(key: AuditEntriesTable.objectType.key) var objectType: String
    @OptionalField(key: AuditEntriesTable.objectID.key) var objectID: String?
    @OptionalField(key: AuditEntriesTable.detail.key) var detail: String?
    @Field(key: AuditEntriesTable.previousHash.key) var previousHash: String
    @Field(key: AuditEntriesTable.hash.key) var hash: String

    init() {}

    init(_ record: AuditRecord) {
        self.id = record.sequence
        self.timeMilliseconds = Self.milliseconds(record.time)
        self.actor = record.actor
        self.purpose = record.purpose
        self.action = record.action
        self.objectType = record.objectType
        self.objectID = record.objectID
        self.detail = record.detail
        self.previousHash = record.previousHash
        self.hash = record.hash
    }

    /// How `time_ms` stores an entry's time.
    static func milliseconds(_ time: Date) -> Int64 { Int64((time.timeIntervalSince1970 * 1000).rounded(.down)) }

    var record: AuditRecord {
        var record = AuditRecord(after: nil, time: Date(timeIntervalSince1970: Double(timeMilliseconds) / 1000),
                                 actor: actor, purpose: purpose, action: action, objectType: objectType,
                                 objectID: objectID, detail: detail)
        record.sequence = id ?? 0
        record.previousHash = previousHash
        record.hash = hash
        return record
    }
}

/// The head of the chain: the last sequence number and hash, in a row of its own, so that deleting the newest
/// entries shows too, and so that appends are serialized by updating one row first.
final class AuditHeadModel: Model, @unchecked Sendable {
    static let schema = AuditHeadTable.table.name

    @ID(custom: AuditHeadTable.id.key, generatedBy: .user) var id: Int?
    @Field(key: AuditHeadTable.sequence.key) var sequence: Int
    @Field(key: AuditHeadTable.hash.key) var hash: String

    init() {}
}

struct CreateAuditTrail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await AuditEntriesTable.table.create(on: database)
        try await AuditHeadTable.table.create(on: database)
        let head = AuditHeadModel()
        head.id = 1
        head.sequence = 0
        head.hash = AuditRecord.genesisHash
        try await head.create(on: database)
        try await database.sql.create(index: "audit_entries_object")
            .on(AuditEntriesTable.table).column(AuditEntriesTable.objectID).run()
    }

    func revert(on database: any Database) async throws {
        try await AuditHeadTable.table.delete(on: database)
        try await AuditEntriesTable.table.delete(on: database)
    }
}
