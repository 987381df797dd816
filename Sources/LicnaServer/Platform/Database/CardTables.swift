// Card issuance's tables. Times are Unix seconds; biometrics are sealed under the master key; PIN, PUK and CAN are
// never stored, the suspension code only as a keyed hash.

/// `card_applications`: an application and, once personalized, the card made for it (`CardApplicationModel`).
enum CardApplicationsTable {
    static let id = SchemaColumn("id", .text, .identifier(generated: false))
    /// The person (`persons.id`) as `UUID.uuidString`, uppercase like every other table's person ids
    /// (`UppercaseCardApplicationPersonIDs` rewrote the lowercase ones of earlier versions).
    static let personID = SchemaColumn("person_id", .text)
    static let identificationNumber = SchemaColumn("identification_number", .text)
    static let municipality = SchemaColumn("municipality", .text)
    static let language = SchemaColumn("language", .text)
    static let state = SchemaColumn("state", .text)
    static let cardNumber = SchemaColumn("card_number", .text, .optional)
    static let photoSealed = SchemaColumn("photo_sealed", .blob, .optional)
    static let fingerprintsSealed = SchemaColumn("fingerprints_sealed", .blob, .optional)
    static let contractVersion = SchemaColumn("contract_version", .text)
    static let contractSHA256 = SchemaColumn("contract_sha256", .text)
    static let contractAcceptedAt = SchemaColumn("contract_accepted_at", .bigInteger)
    static let contractOfficer = SchemaColumn("contract_officer", .text)
    static let replaces = SchemaColumn("replaces", .text, .optional)
    static let replacementReason = SchemaColumn("replacement_reason", .text, .optional)
    static let closedReason = SchemaColumn("closed_reason", .text, .optional)
    static let cardExpires = SchemaColumn("card_expires", .text, .optional)
    static let authenticationSerial = SchemaColumn("authentication_serial", .text, .optional)
    static let signatureSerial = SchemaColumn("signature_serial", .text, .optional)
    static let managementKeyVersion = SchemaColumn("management_key_version", .integer, .optional)
    static let suspensionCodeHash = SchemaColumn("suspension_code_hash", .text, .optional)
    static let submittedAt = SchemaColumn("submitted_at", .bigInteger)
    static let approvedAt = SchemaColumn("approved_at", .bigInteger, .optional)
    static let personalizedAt = SchemaColumn("personalized_at", .bigInteger, .optional)
    static let deliveredAt = SchemaColumn("delivered_at", .bigInteger, .optional)
    static let activatedAt = SchemaColumn("activated_at", .bigInteger, .optional)
    static let blockedReportedAt = SchemaColumn("blocked_reported_at", .bigInteger, .optional)
    static let stateChangedAt = SchemaColumn("state_changed_at", .bigInteger)
    /// Wrong suspension codes in a row for this card, and when the next may be tried (stored, so that a restart or
    /// another server does not forget them).
    static let suspensionFailures = SchemaColumn("suspension_failures", .integer)
    static let suspensionNextAttempt = SchemaColumn("suspension_next_attempt", .bigInteger, .optional)

    static let table = SchemaTable("card_applications",
                                   columns: [id, personID, identificationNumber, municipality, language, state, cardNumber, photoSealed,
                                             fingerprintsSealed, contractVersion, contractSHA256, contractAcceptedAt, contractOfficer,
                                             replaces, replacementReason, closedReason, cardExpires, authenticationSerial, signatureSerial,
                                             managementKeyVersion, suspensionCodeHash, submittedAt, approvedAt, personalizedAt, deliveredAt,
                                             activatedAt, blockedReportedAt, stateChangedAt, suspensionFailures, suspensionNextAttempt],
                                   uniques: [[cardNumber], [authenticationSerial]], backup: .columns(orderedBy: id))
}

/// `auth_nonces`: single-use challenges for card-signed tokens (`CardNonceStore`), kept per purpose.
enum AuthNoncesTable {
    /// The challenge as sent (base64 of 32 random bytes): public, like any challenge, and needed to rebuild what
    /// the card signed.
    static let nonce = SchemaColumn("nonce", .text, .identifier(generated: false))
    static let purpose = SchemaColumn("purpose", .text)
    static let binding = SchemaColumn("binding", .text)
    static let expiresAt = SchemaColumn("expires_at", .bigInteger)

    static let table = SchemaTable("auth_nonces", columns: [nonce, purpose, binding, expiresAt],
                                   backup: .excluded(reason: "nonces live five minutes; a restored one would be stale"))
}

/// `card_chips`: the chip a card was personalized on, as its attestation of the authentication key named it (model
/// and serial from the manufacturer-certified attestation key). A renewal accepts only attestations of this chip.
enum CardChipsTable {
    static let cardNumber = SchemaColumn("card_number", .text, .identifier(generated: false))
    static let model = SchemaColumn("model", .text)
    static let serial = SchemaColumn("serial", .text)
    static let recordedAt = SchemaColumn("recorded_at", .bigInteger)

    static let table = SchemaTable("card_chips", columns: [cardNumber, model, serial, recordedAt], uniques: [[model, serial]],
                                   backup: .columns(orderedBy: cardNumber))
}
