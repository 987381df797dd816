/// The main status of a validation (ETSI EN 319 102-1 §5.1.3, table 4).
public enum ValidationIndication: String, Codable, Sendable {
    case totalPassed = "TOTAL-PASSED"
    case totalFailed = "TOTAL-FAILED"
    case indeterminate = "INDETERMINATE"
}

/// Why a validation did not pass (ETSI EN 319 102-1 §5.1.3, tables 5 and 6), the subset Licna reports.
public enum ValidationSubIndication: String, Codable, Sendable {
    /// The signature is not a well-formed CAdES/PAdES structure.
    case formatFailure = "FORMAT_FAILURE"
    /// The signed data does not match the message-digest (a byte of the document changed).
    case hashFailure = "HASH_FAILURE"
    /// The signature value does not verify with the signer's public key.
    case signatureCryptoFailure = "SIG_CRYPTO_FAILURE"
    /// The signing certificate was revoked before the proven signing time.
    case revoked = "REVOKED"
    /// The signing time is before the certificate's validity.
    case notYetValid = "NOT_YET_VALID"
    /// The signer's certificate is not in the signature.
    case noSigningCertificateFound = "NO_SIGNING_CERTIFICATE_FOUND"
    /// No chain from the signer to a trust anchor.
    case noCertificateChainFound = "NO_CERTIFICATE_CHAIN_FOUND"
    /// The certificate has expired and nothing proves the signature existed before.
    case outOfBoundsNoPOE = "OUT_OF_BOUNDS_NO_POE"
    /// The certificate is revoked and nothing proves the signature was made before the revocation.
    case revokedNoPOE = "REVOKED_NO_POE"
    /// No revocation information is available now; trying later (or online) may help.
    case tryLater = "TRY_LATER"
    /// The certificate chain breaks a constraint (key usage, basic constraints, validity of a CA).
    case chainConstraintsFailure = "CHAIN_CONSTRAINTS_FAILURE"
}

/// The legal level of a valid signature (as EU DSS reports it from ETSI TS 119 615 and EN 319 412-5).
public enum SignatureQualification: String, Codable, Sendable {
    /// Qualified electronic signature: a qualified certificate from a trusted-list issuer, key in a QSCD.
    case qualified = "QESig"
    /// Advanced signature with a qualified certificate (no QSCD, or the issuer is not on a trusted list).
    case advancedWithQualifiedCertificate = "AdESig-QC"
    /// Advanced electronic signature.
    case advanced = "AdESig"
    /// Not an advanced signature (invalid or not linked to its signer).
    case notAdvanced = "not AdES"
}
