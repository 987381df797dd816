// The trust services' tables. Times are Unix seconds (the same on SQLite and PostgreSQL); keys are sealed under the
// master key (`TrustKeyVault`), the root's additionally under its own passphrase.

/// `pki_authorities`: the CAs of the hierarchy, with their sealed keys and counters.
enum PKIAuthoritiesTable {
    static let id = SchemaColumn("id", .text, .identifier(generated: false))
    static let profile = SchemaColumn("profile", .text)
    static let certificate = SchemaColumn("certificate", .blob)
    static let sealedKey = SchemaColumn("sealed_key", .blob)
    static let keyProtection = SchemaColumn("key_protection", .text)
    static let issuedCount = SchemaColumn("issued_count", .bigInteger)
    static let crlNumber = SchemaColumn("crl_number", .bigInteger)
    static let createdAt = SchemaColumn("created_at", .bigInteger)

    static let table = SchemaTable("pki_authorities",
                                   columns: [id, profile, certificate, sealedKey, keyProtection, issuedCount, crlNumber, createdAt],
                                   backup: .columns(orderedBy: id))
}

/// `pki_signing_keys`: the delegated keys (OCSP responders, document signer, TSA) with their certificates.
enum PKISigningKeysTable {
    static let id = SchemaColumn("id", .text, .identifier(generated: false))
    static let authorityID = SchemaColumn("authority_id", .text)
    static let purpose = SchemaColumn("purpose", .text)
    static let certificate = SchemaColumn("certificate", .blob)
    static let sealedKey = SchemaColumn("sealed_key", .blob)
    static let notAfter = SchemaColumn("not_after", .bigInteger)
    static let updatedAt = SchemaColumn("updated_at", .bigInteger)

    static let table = SchemaTable("pki_signing_keys", columns: [id, authorityID, purpose, certificate, sealedKey, notAfter, updatedAt],
                                   backup: .columns(orderedBy: id))
}

/// `pki_certificates`: every certificate Licna issued, with its status (`CertificateRecord`).
enum PKICertificatesTable {
    static let serial = SchemaColumn("serial", .text, .identifier(generated: false))
    static let authorityID = SchemaColumn("authority_id", .text)
    static let profile = SchemaColumn("profile", .text)
    static let subject = SchemaColumn("subject", .text)
    static let partitionNumber = SchemaColumn("partition_number", .integer)
    static let notBefore = SchemaColumn("not_before", .bigInteger)
    static let notAfter = SchemaColumn("not_after", .bigInteger)
    static let status = SchemaColumn("status", .text)
    static let revokedAt = SchemaColumn("revoked_at", .bigInteger, .optional)
    static let reason = SchemaColumn("reason", .integer, .optional)
    static let invalidityDate = SchemaColumn("invalidity_date", .bigInteger, .optional)
    static let certificate = SchemaColumn("certificate", .blob)
    static let issuedAt = SchemaColumn("issued_at", .bigInteger)

    static let table = SchemaTable("pki_certificates",
                                   columns: [serial, authorityID, profile, subject, partitionNumber, notBefore, notAfter, status,
                                             revokedAt, reason, invalidityDate, certificate, issuedAt],
                                   backup: .columns(orderedBy: serial))
}

/// `pki_status_changes`: one row per status change, which every running server polls (OCSP).
enum PKIStatusChangesTable {
    static let id = SchemaColumn("id", .bigInteger, .identifier(generated: true))
    static let serial = SchemaColumn("serial", .text)
    static let authorityID = SchemaColumn("authority_id", .text)
    static let changedAt = SchemaColumn("changed_at", .bigInteger)

    static let table = SchemaTable("pki_status_changes", columns: [id, serial, authorityID, changedAt], backup: .columns(orderedBy: id))
}

/// `pki_crls`: the current CRL of each authority and partition.
enum PKICRLsTable {
    static let authorityID = SchemaColumn("authority_id", .text)
    static let partitionNumber = SchemaColumn("partition_number", .integer)
    static let crlNumber = SchemaColumn("crl_number", .bigInteger)
    static let thisUpdate = SchemaColumn("this_update", .bigInteger)
    static let nextUpdate = SchemaColumn("next_update", .bigInteger)
    static let crl = SchemaColumn("crl", .blob)

    /// `crl` is unique too (each CRL carries its own signature), so it orders the backup's pages.
    static let table = SchemaTable("pki_crls", columns: [authorityID, partitionNumber, crlNumber, thisUpdate, nextUpdate, crl],
                                   uniques: [[authorityID, partitionNumber]], backup: .columns(orderedBy: crl))
}

/// `pki_counters`: named counters (the TSA's serial numbers).
enum PKICountersTable {
    static let id = SchemaColumn("id", .text, .identifier(generated: false))
    static let value = SchemaColumn("value", .bigInteger)

    /// The counter of RFC 3161 timestamp serial numbers.
    static let timestampSerial = "tsa-serial"

    static let table = SchemaTable("pki_counters", columns: [id, value], backup: .columns(orderedBy: id))
}

/// `pki_settings`: the settings fixed at `ca init` and later facts of the installation (`InstallationSettings`).
enum PKISettingsTable {
    static let id = SchemaColumn("id", .text, .identifier(generated: false))
    static let value = SchemaColumn("value", .text)

    static let table = SchemaTable("pki_settings", columns: [id, value], backup: .columns(orderedBy: id))
}
