extension ValidationFinding {
    /// The kind of a finding: a named constant, one per kind, whose raw value is the stable code of the JSON report.
    /// Each has its sentence `verify.finding.<code>` in every language.
    public struct Code: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        /// Every code a validator reports.
        public static let allCodes: [Code] = [
            .validationLimitReached, .validationError,
            .cmsTooManyElements, .cmsMalformed, .signerCount, .signingCertificateNotFound, .signedDataChanged,
            .signatureValueInvalid, .signatureMalformed, .signingCertificateUnprotected,
            .timestampNotTrusted, .timestampInvalid, .timestampCertificateRevoked, .timestampCertificateStatusUnknown,
            .timestampNoRevocationData,
            .certificateNotYetValid, .certificateExpiredNoProof, .noCertificateChain, .certificateRevokedBeforeProvenTime,
            .certificateRevokedNoProof, .certificateStatusUnknown, .noRevocationData,
            .signatureDictionaryMalformed, .signatureFormatUnsupported, .signatureFormatMissing, .signatureNotAtRevisionEnd,
            .signedRevisionUnreadable, .crossReferenceDamaged, .updateSkipsSignedRevision, .changedAfterSigning,
            .signedRevisionExtractable,
        ]

        // MARK: The validation itself

        /// A `ValidationLimits` limit was reached and the validation stopped (README, "Validation policy"):
        /// INDETERMINATE. Arguments `limit` (`decodedBytes`, `dssEntries`, `signatureVerifications`, `duration`:
        /// `ValidationLimitExceeded.Limit`) and `value` (as configured: `128 MiB`, `1000`, `60 s`).
        public static let validationLimitReached = Code("validation-limit-reached")
        /// The validation ended in an unexpected error (EN 319 102-1 §5.1.3: INDETERMINATE). Argument `detail`.
        public static let validationError = Code("validation-error")

        // MARK: Format and cryptography (EN 319 102-1 §5.2.2, §5.2.3, §5.2.7)

        /// The signature has more DER elements than any real CMS signature (RFC 5652 §5.1); FORMAT_FAILURE.
        /// Argument `maximum`.
        public static let cmsTooManyElements = Code("cms-too-many-elements")
        /// The signature is not a CMS SignedData (RFC 5652 §5.1); FORMAT_FAILURE. Argument `detail`.
        public static let cmsMalformed = Code("cms-malformed")
        /// The SignedData has no signer or more than one (RFC 5652 §5.1 `signerInfos`; a CAdES or PAdES signature
        /// has one); FORMAT_FAILURE.
        public static let signerCount = Code("signer-count")
        /// The signer's certificate is not in the signature (EN 319 102-1 §5.2.3): NO_SIGNING_CERTIFICATE_FOUND.
        public static let signingCertificateNotFound = Code("signing-certificate-not-found")
        /// The content's digest differs from the signed message-digest (EN 319 102-1 §5.2.7; RFC 5652 §11.2):
        /// HASH_FAILURE.
        public static let signedDataChanged = Code("signed-data-changed")
        /// The signature value does not verify with the signer's key (EN 319 102-1 §5.2.7): SIG_CRYPTO_FAILURE.
        public static let signatureValueInvalid = Code("signature-value-invalid")
        /// The signature's structure is malformed (EN 319 102-1 §5.2.2): FORMAT_FAILURE. Argument `detail`.
        public static let signatureMalformed = Code("signature-malformed")
        /// No signed signing-certificate(-v2) attribute binds the certificate to the signature (EN 319 122-1 §5.2.2;
        /// RFC 5035): the signature is not a baseline signature.
        public static let signingCertificateUnprotected = Code("signing-certificate-unprotected")

        // MARK: The signature timestamp (EN 319 102-1 §5.4; RFC 3161)

        /// The timestamp's authority does not chain to a trust anchor; its time proves nothing.
        public static let timestampNotTrusted = Code("timestamp-not-trusted")
        /// The timestamp token does not verify (RFC 3161 §2.4.2); its time proves nothing. Argument `detail`.
        public static let timestampInvalid = Code("timestamp-invalid")
        /// A certificate of the timestamp authority's chain is revoked; its time proves nothing. Arguments
        /// `certificate` (`timestamp-authority` or `ca-above-timestamp-authority`), `name` (a CA's common name),
        /// `time` (ISO 8601) and, when known, `reason` (RFC 5280 §5.3.1 name).
        public static let timestampCertificateRevoked = Code("timestamp-certificate-revoked")
        /// The revocation service does not know a certificate of the timestamp authority's chain (RFC 6960 §2.2
        /// `unknown`); its time proves nothing. Arguments `certificate`, `name`.
        public static let timestampCertificateStatusUnknown = Code("timestamp-certificate-status-unknown")
        /// No usable revocation data for a certificate of the timestamp authority's chain (EN 319 102-1 §5.2.5);
        /// its time proves nothing. Arguments `certificate`, `name`, `gap` (why data found did not count:
        /// `issued-before-control-time`, `expired`, `too-old`) and `offline` (`true` when nothing could be fetched).
        public static let timestampNoRevocationData = Code("timestamp-no-revocation-data")

        // MARK: The signer's certificate and chain (EN 319 102-1 §5.2.6; RFC 5280 §6)

        /// The claimed or proven signing time is before the certificate's validity: NOT_YET_VALID.
        public static let certificateNotYetValid = Code("certificate-not-yet-valid")
        /// The certificate has expired and no timestamp proves an earlier signing time: OUT_OF_BOUNDS_NO_POE.
        public static let certificateExpiredNoProof = Code("certificate-expired-no-proof")
        /// No chain from the signer's certificate to a trust anchor: NO_CERTIFICATE_CHAIN_FOUND.
        public static let noCertificateChain = Code("no-certificate-chain")
        /// A certificate of the signer's chain was revoked before the time the timestamp proves: REVOKED.
        /// Arguments `certificate` (`signer` or `ca`) and `name` (a CA's common name).
        public static let certificateRevokedBeforeProvenTime = Code("certificate-revoked-before-proven-time")
        /// A certificate of the signer's chain is revoked and no timestamp proves the signature was made before:
        /// REVOKED_NO_POE. Arguments `certificate`, `name`.
        public static let certificateRevokedNoProof = Code("certificate-revoked-no-proof")
        /// The revocation service does not know a certificate of the signer's chain (RFC 6960 §2.2 `unknown`):
        /// TRY_LATER. Arguments `certificate`, `name`.
        public static let certificateStatusUnknown = Code("certificate-status-unknown")
        /// No usable revocation data for a certificate of the signer's chain (EN 319 102-1 §5.2.5): TRY_LATER.
        /// Arguments `certificate`, `name`, `gap`, `offline` (as for ``timestampNoRevocationData``).
        public static let noRevocationData = Code("no-revocation-data")

        // MARK: The PDF (ISO 32000-1 §7.5.6, §12.8; EN 319 142-1)

        /// The signature dictionary is malformed (ISO 32000-1 §12.8.1, table 252): FORMAT_FAILURE. Argument `detail`.
        public static let signatureDictionaryMalformed = Code("signature-dictionary-malformed")
        /// The /SubFilter is not one Licna validates (`adbe.pkcs7.detached`, `ETSI.CAdES.detached`; ISO 32000-1
        /// §12.8.3, EN 319 142-1 §5.1). Argument `subFilter`.
        public static let signatureFormatUnsupported = Code("signature-format-unsupported")
        /// The signature dictionary has no /SubFilter (ISO 32000-1 §12.8.1, table 252).
        public static let signatureFormatMissing = Code("signature-format-missing")
        /// The /ByteRange does not end where a revision of the file ends (ISO 32000-1 §7.5.6, §12.8.1).
        public static let signatureNotAtRevisionEnd = Code("signature-not-at-revision-end")
        /// The revision the signature covers cannot be read as a PDF of its own (ISO 32000-1 §7.5.6).
        public static let signedRevisionUnreadable = Code("signed-revision-unreadable")
        /// The file's cross-reference is damaged and was rebuilt by scanning (ISO 32000-1 §7.5.4), so what changed
        /// after signing cannot be established.
        public static let crossReferenceDamaged = Code("cross-reference-damaged")
        /// A later update's cross-reference (/Prev) skips or replaces the signed revision's sections (ISO 32000-1
        /// §7.5.6).
        public static let updateSkipsSignedRevision = Code("update-skips-signed-revision")
        /// An incremental update after the signature changed what the signature covers in a way that is not
        /// allowed (ISO 32000-1 §7.5.6, §12.8.2.2 DocMDP; EN 319 102-1 §5.2.2): FORMAT_FAILURE. Argument `change`,
        /// the change in English words (`PDFModificationAnalyzer`).
        public static let changedAfterSigning = Code("changed-after-signing")
        /// What the signature signed is the file's first `length` bytes (its /ByteRange, ISO 32000-1 §12.8.1),
        /// which a person can extract to see the document as signed. Argument `length`.
        public static let signedRevisionExtractable = Code("signed-revision-extractable")
    }
}
