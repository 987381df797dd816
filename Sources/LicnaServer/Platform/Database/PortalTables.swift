import Fluent
import SQLKit

// The citizen portal's tables (issue 14). Times are Unix seconds.

/// `issued_documents`: documents the portal issued (extracts and certificates of the registry), each named by 128
/// random bits (base64url) that its QR code and verification address carry. The sealed PDF is kept encrypted under
/// the master key, bound to its row (it holds personal data); its SHA-256 is kept in clear for the byte-for-byte
/// comparison of the verification page.
enum IssuedDocumentsTable {
    static let id = SchemaColumn("id", .text, .identifier(generated: false))
    /// `IssuedDocumentType`'s raw value.
    static let type = SchemaColumn("type", .text)
    /// The person it is about.
    static let personID = SchemaColumn("person_id", .text)
    /// The account that asked for it (the person, or a parent for a minor child).
    static let requestedBy = SchemaColumn("requested_by", .text)
    /// The language and script it is written in (`sr-Cyrl`).
    static let locale = SchemaColumn("locale", .text)
    static let sha256 = SchemaColumn("sha256", .text)
    static let pdfSealed = SchemaColumn("pdf_sealed", .blob)
    static let issuedAt = SchemaColumn("issued_at", .bigInteger)
    static let validUntil = SchemaColumn("valid_until", .bigInteger)
    static let revokedAt = SchemaColumn("revoked_at", .bigInteger, .optional)
    static let revokedReason = SchemaColumn("revoked_reason", .text, .optional)
    static let downloads = SchemaColumn("downloads", .integer)
    static let verifications = SchemaColumn("verifications", .integer)

    static let table = SchemaTable("issued_documents", columns: [id, type, personID, requestedBy, locale, sha256, pdfSealed, issuedAt, validUntil,
                                                                 revokedAt, revokedReason, downloads, verifications],
                                   backup: .columns(orderedBy: id))
}

/// `person_parents`: who is whose parent in the registry, set at a birth registration or imported; what lets a
/// parent act for a minor child.
enum PersonParentsTable {
    /// `<child id>/<parent id>`: one row per pair, and a unique order for the backup's pages.
    static let id = SchemaColumn("id", .text, .identifier(generated: false))
    static let childID = SchemaColumn("child_id", .text)
    static let parentID = SchemaColumn("parent_id", .text)
    /// `birth-registration` or `import`.
    static let source = SchemaColumn("source", .text)
    static let createdAt = SchemaColumn("created_at", .bigInteger)

    static let table = SchemaTable("person_parents", columns: [id, childID, parentID, source, createdAt], backup: .columns(orderedBy: id))
}

/// `data_questions`: a citizen's "why?" about an entry of their data tracker, and the auditor's answer.
enum DataQuestionsTable {
    static let id = SchemaColumn("id", .text, .identifier(generated: false))
    /// The audit entry asked about (`audit_entries.id`).
    static let auditEntryID = SchemaColumn("audit_entry_id", .bigInteger)
    static let personID = SchemaColumn("person_id", .text)
    static let accountID = SchemaColumn("account_id", .text)
    static let question = SchemaColumn("question", .text)
    static let askedAt = SchemaColumn("asked_at", .bigInteger)
    static let answer = SchemaColumn("answer", .text, .optional)
    /// The auditor who answered (`officer:<email>`).
    static let answeredBy = SchemaColumn("answered_by", .text, .optional)
    static let answeredAt = SchemaColumn("answered_at", .bigInteger, .optional)

    static let table = SchemaTable("data_questions", columns: [id, auditEntryID, personID, accountID, question, askedAt, answer, answeredBy, answeredAt],
                                   backup: .columns(orderedBy: id))
}

/// `portal_counters`: what the portal counts that no other table records, by month (`view/<service>/<YYYY-MM>`:
/// a service's page was viewed). Counts only.
enum PortalCountersTable {
    static let key = SchemaColumn("key", .text, .identifier(generated: false))
    static let count = SchemaColumn("count", .bigInteger)

    static let table = SchemaTable("portal_counters", columns: [key, count], backup: .columns(orderedBy: key))
}

/// `mandates`: one adult's mandate for another to act for them in chosen services (issue 14, item 6), signed with
/// the grantor's eID card: `statement` is the text whose SHA-256 the card's signature covers (through the nonce), and
/// `token` the card-signed token itself, kept as evidence. Persons by their internal ids.
enum MandatesTable {
    /// 128 random bits, base64url.
    static let id = SchemaColumn("id", .text, .identifier(generated: false))
    static let grantorID = SchemaColumn("grantor_id", .text)
    static let proxyID = SchemaColumn("proxy_id", .text)
    /// The service ids, comma-separated, sorted.
    static let services = SchemaColumn("services", .text)
    static let validFrom = SchemaColumn("valid_from", .bigInteger)
    static let validUntil = SchemaColumn("valid_until", .bigInteger)
    static let statement = SchemaColumn("statement", .text)
    static let token = SchemaColumn("token", .blob)
    /// The card that signed it.
    static let cardNumber = SchemaColumn("card_number", .text)
    static let revokedAt = SchemaColumn("revoked_at", .bigInteger, .optional)
    /// `grantor` or `proxy`.
    static let revokedBy = SchemaColumn("revoked_by", .text, .optional)

    static let table = SchemaTable("mandates", columns: [id, grantorID, proxyID, services, validFrom, validUntil, statement, token, cardNumber,
                                                         revokedAt, revokedBy],
                                   backup: .columns(orderedBy: id))
}

/// The portal's tables (after the sign-on's, which have landed), with indexes for a parent's children, a person's
/// documents and mandates (the audit trail's index by object, which the data tracker reads, came with the audit trail).
struct CreatePortal: AsyncMigration {
    static let tables = [IssuedDocumentsTable.table, PersonParentsTable.table, DataQuestionsTable.table, PortalCountersTable.table, MandatesTable.table]

    func prepare(on database: any Database) async throws {
        for table in Self.tables { try await table.create(on: database) }
        try await database.sql.raw("CREATE INDEX person_parents_parent ON \(unsafeRaw: PersonParentsTable.table.name) (\(unsafeRaw: PersonParentsTable.parentID.name))").run()
        try await database.sql.raw("CREATE INDEX issued_documents_person ON \(unsafeRaw: IssuedDocumentsTable.table.name) (\(unsafeRaw: IssuedDocumentsTable.personID.name))").run()
        try await database.sql.raw("CREATE INDEX mandates_proxy ON \(unsafeRaw: MandatesTable.table.name) (\(unsafeRaw: MandatesTable.proxyID.name))").run()
        try await database.sql.raw("CREATE INDEX mandates_grantor ON \(unsafeRaw: MandatesTable.table.name) (\(unsafeRaw: MandatesTable.grantorID.name))").run()
    }

    func revert(on database: any Database) async throws {
        for table in Self.tables.reversed() { try await table.delete(on: database) }
    }
}
