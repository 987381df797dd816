/// `installation`: one row, the master key's check value (`InstallationModel`).
enum InstallationTable {
    static let id = SchemaColumn("id", .integer, .identifier(generated: false))
    static let masterKeyCheck = SchemaColumn("master_key_check", .text)
    static let createdAt = SchemaColumn("created_at", .datetime)

    static let table = SchemaTable("installation", columns: [id, masterKeyCheck, createdAt],
                                   backup: .excluded(reason: "made at first start from the master key the installation runs with; a restore keeps the target's own"))
}

/// `audit_entries`: the hash-chained audit trail (`AuditEntryModel`).
enum AuditEntriesTable {
    static let id = SchemaColumn("id", .integer, .identifier(generated: false))
    static let timeMilliseconds = SchemaColumn("time_ms", .bigInteger)
    static let actor = SchemaColumn("actor", .text)
    static let purpose = SchemaColumn("purpose", .text)
    static let action = SchemaColumn("action", .text)
    static let objectType = SchemaColumn("object_type", .text)
    static let objectID = SchemaColumn("object_id", .text, .optional)
    static let detail = SchemaColumn("detail", .text, .optional)
    static let previousHash = SchemaColumn("previous_hash", .text)
    static let hash = SchemaColumn("hash", .text)

    static let table = SchemaTable("audit_entries", columns: [id, timeMilliseconds, actor, purpose, action, objectType, objectID,
                                                             detail, previousHash, hash],
                                   backup: .model(AuditEntryModel.self))
}

/// `audit_head`: the chain's last sequence number and hash, one row (`AuditHeadModel`).
enum AuditHeadTable {
    static let id = SchemaColumn("id", .integer, .identifier(generated: false))
    static let sequence = SchemaColumn("sequence", .integer)
    static let hash = SchemaColumn("hash", .text)

    static let table = SchemaTable("audit_head", columns: [id, sequence, hash], backup: .model(AuditHeadModel.self))
}

/// `audit_checkpoints`: signed checkpoints of the audit head (`AuditCheckpointService`).
enum AuditCheckpointsTable {
    static let sequence = SchemaColumn("sequence", .bigInteger)
    static let head = SchemaColumn("head", .text)
    static let timeMilliseconds = SchemaColumn("time_ms", .bigInteger)
    static let checkpoint = SchemaColumn("checkpoint", .text)

    static let table = SchemaTable("audit_checkpoints", columns: [sequence, head, timeMilliseconds, checkpoint],
                                   backup: .excluded(reason: "checkpoints are evidence kept outside the installation to check it against; a restored chain is checked against the saved ones, not its own copies"))
}

/// `officer_sessions`: server-side officer sessions (`OfficerSessionStore`).
enum OfficerSessionsTable {
    static let id = SchemaColumn("id", .text, .identifier(generated: false))
    static let actor = SchemaColumn("actor", .text)
    static let tokenFingerprint = SchemaColumn("token_fingerprint", .text)
    static let createdAt = SchemaColumn("created_at", .bigInteger)
    static let lastSeenAt = SchemaColumn("last_seen_at", .bigInteger)
    static let expiresAt = SchemaColumn("expires_at", .bigInteger)
    static let revokedAt = SchemaColumn("revoked_at", .bigInteger, .optional)

    static let table = SchemaTable("officer_sessions", columns: [id, actor, tokenFingerprint, createdAt, lastSeenAt, expiresAt, revokedAt],
                                   backup: .excluded(reason: "sessions end with the installation"))
}
