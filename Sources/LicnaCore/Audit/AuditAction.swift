/// What an audit entry says was done. The raw value is what the trail stores (and hashes), so a case's raw value
/// never changes; new actions are new cases. Entries are read back as text (`AuditRecord.action`), so that a trail
/// written by a newer version still reads: `AuditRecord.knownAction` gives the case when there is one.
public enum AuditAction: String, Sendable, Hashable, Codable, CaseIterable {
    // The civil registry.
    /// A person was added: a birth registration or an imported row.
    case personCreate = "person.create"
    /// A person's record was read.
    case personRead = "person.read"
    /// A person's record was read with the JMBG opened.
    case personJMBGRevealed = "person.jmbg-revealed"
    /// A death was recorded.
    case personDeathRecorded = "person.death-recorded"
    /// The registry was searched (one entry per search, besides one per person found).
    case registrySearch = "registry.search"
    /// The whole registry was exported.
    case registryExport = "registry.export"
    /// A CSV import began writing.
    case registryImportStarted = "registry.import-started"
    /// A CSV import finished.
    case registryImportCommitted = "registry.import-committed"
    /// An interrupted CSV import was undone.
    case registryImportRolledBack = "registry.import-rolled-back"

    // The trust services.
    /// The CA hierarchy was set up (`licna ca init`).
    case caInit = "ca.init"
    /// A certificate was issued.
    case caIssue = "ca.issue"
    /// A certificate was put on hold (RFC 5280 §5.3.1 certificateHold).
    case caHold = "ca.hold"
    /// A hold ended.
    case caRelease = "ca.release"
    /// A certificate was revoked, with RFC 5280's reason in the action's last part.
    case caRevokeUnspecified = "ca.revoke.unspecified"
    case caRevokeKeyCompromise = "ca.revoke.keyCompromise"
    case caRevokeCACompromise = "ca.revoke.cACompromise"
    case caRevokeAffiliationChanged = "ca.revoke.affiliationChanged"
    case caRevokeSuperseded = "ca.revoke.superseded"
    case caRevokeCessationOfOperation = "ca.revoke.cessationOfOperation"
    case caRevokePrivilegeWithdrawn = "ca.revoke.privilegeWithdrawn"
    case caRevokeAACompromise = "ca.revoke.aACompromise"
    /// A delegated OCSP responder certificate was renewed.
    case caRenewResponder = "ca.renew-responder"
    /// A document security object (ICAO 9303-10 §4.6.2) was signed.
    case caSignSecurityObject = "ca.sign-security-object"
    /// A virtual card's attestation key was certified by the development root.
    case caVirtualCard = "ca.virtual-card"
    /// A document was sealed with the institution's e-seal.
    case documentsSeal = "documents.seal"
    /// The country's card policy (validity by age, certificate and travel-document periods, document types) was set.
    case cardsPolicySet = "cards.policy-set"
    /// A card application was submitted, with the contract's version and hash.
    case cardApply = "card.apply"
    /// An officer approved a card application.
    case cardApprove = "card.approve"
    /// A card was personalized for an approved application (its certificates on hold until activation).
    case cardPersonalize = "card.personalize"
    /// A personalized card was handed to its holder.
    case cardDeliver = "card.deliver"
    /// The holder activated the card with the envelope's PIN (the certificates' holds were released).
    case cardActivate = "card.activate"
    /// An activation attempt was refused (the reason in the detail).
    case cardActivationRefused = "card.activation-refused"
    /// A card was suspended (lost): its certificates went on hold.
    case cardSuspend = "card.suspend"
    /// A suspension with the envelope's code was refused (a wrong code, or throttled).
    case cardSuspensionRefused = "card.suspension-refused"
    /// A suspension was lifted by the holder with the card and PIN.
    case cardResume = "card.resume"
    /// The holder reported the PIN and PUK exhausted (unverified: nothing is revoked on that word alone).
    case cardBlockedReported = "card.blocked-reported"
    /// A card was revoked (its certificates revoked).
    case cardRevoke = "card.revoke"
    /// A card was replaced; a new application was opened for it.
    case cardReplace = "card.replace"
    /// A card never activated within the window lost its certificates (cessationOfOperation).
    case cardActivationWindowExpired = "card.activation-window-expired"
    /// The application's fingerprint images were deleted after delivery.
    case cardBiometricsDeleted = "card.biometrics-deleted"
    /// The holder renewed the card's keys and certificates on line (new keys attested by the chip; old certificates
    /// revoked as superseded).
    case cardRenew = "card.renew"
    /// A renewal was refused for what the card answered (another chip's attestation, a key not attested, a wrong
    /// management key): the new certificates, if any, were revoked.
    case cardRenewalRefused = "card.renewal-refused"
    /// A new citizen CA generation was certified by the root (the rollover); the older ones keep answering.
    case caRollover = "ca.rollover"
    /// An account was created (by an operator, or by registration).
    case accountCreate = "account.create"
    /// A relying party (OpenID Connect client) was registered.
    case clientRegister = "client.register"
    /// Someone signed in to a relying party through the identity provider (the level and the client in the detail).
    case signIn = "account.sign-in"
    /// An account's TOTP authenticator was enrolled (or replaced).
    case accountAuthenticator = "account.authenticator"
    /// An account was linked to a registry person (identity verified).
    case accountLink = "account.link"
    /// A person withdrew the consent given to a relying party.
    case accountConsentWithdraw = "account.consent-withdraw"
    /// An account holder proved their email address (the link sent at registration).
    case accountEmailVerified = "account.email-verified"
    /// An account's password was set again through the link sent by email; its sessions ended.
    case accountPasswordReset = "account.password-reset"
    /// An account's officer roles were set.
    case accountRoles = "account.roles"
    /// An officer made a personal API token (after an eID-card sign-in).
    case officerTokenCreate = "officer.token-create"
    /// An officer revoked a personal API token.
    case officerTokenRevoke = "officer.token-revoke"
    /// An administrator changed a relying party's registration (what changed in the detail).
    case clientUpdate = "client.update"
    /// A confidential relying party was given a new secret (the old one stopped).
    case clientSecret = "client.secret"
    /// Two accounts of one person became one: the older id stays, the newer is its alias.
    case accountMerge = "account.merge"
    /// The identity provider got a new signing key (the operator's rotation).
    case signOnKeyRotate = "signon.key-rotate"
    /// A document (an extract, a certificate) was issued to a citizen: the object is the person it is about; the
    /// detail names the type and the document's id.
    case documentIssue = "document.issue"
    /// An issued document was revoked by an officer (its verification page says so).
    case documentRevoke = "document.revoke"
    /// Two persons were recorded as parent and child (at a birth registration, or imported).
    case personParentLink = "person.parent-link"
    /// A citizen gave another adult a mandate, signed with their eID card (issue 14, item 6): the object is the
    /// mandate; the grantor's and the proxy's data trackers show it.
    case mandateGrant = "mandate.grant"
    /// A mandate was withdrawn by the person who gave it, or renounced by the proxy.
    case mandateRevoke = "mandate.revoke"
}
