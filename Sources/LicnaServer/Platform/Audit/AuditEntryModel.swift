import SQLKit
import Fluent
import Foundation
import LicnaCore

/// One stored entry of the audit trail; `id` is the entry's sequence number.
final class AuditEntryModel: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    @ID(custom: "id", generatedBy: .user) var id: Int?
    /// Milliseconds since 1970, so that the hashed time survives every database's time type exactly.
    @Field(key: "time_ms") var timeMilliseconds: Int64
    @Field(key: "actor") var actor: String
    @Field(key: "purpose") var purpose: String
    @Field(key: "action") var action: String
    @Field(key: "object_type") var objectType: String
    @OptionalField(key: "object_id") var objectID: String?
    @OptionalField(key: "detail") var detail: String?
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

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
    static let schema = "audit_head"

    @ID(custom: "id", generatedBy: .user) var id: Int?
    @Field(key: "sequence") var sequence: Int
    @Field(key: "hash") var hash: String

    init() {}
}

struct CreateAuditTrail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEntryModel.schema)
            .field("id", .int, .identifier(auto: false))
            .field("time_ms", .int64, .required)
            .field("actor", .string, .required)
            .field("purpose", .string, .required)
            .field("action", .string, .required)
            .field("object_type", .string, .required)
            .field("object_id", .string)
            .field("detail", .string)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
        try await database.schema(AuditHeadModel.schema)
            .field("id", .int, .identifier(auto: false))
            .field("sequence", .int, .required)
            .field("hash", .string, .required)
            .create()
        let head = AuditHeadModel()
        head.id = 1
        head.sequence = 0
        head.hash = AuditRecord.genesisHash
        try await head.create(on: database)
        try await database.sql.create(index: "audit_entries_object")
            .on(AuditEntryModel.schema).column("object_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditHeadModel.schema).delete()
        try await database.schema(AuditEntryModel.schema).delete()
    }
}
