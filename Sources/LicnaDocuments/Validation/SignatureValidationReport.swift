import Crypto
import Foundation

/// What a validator says about one signature, in the vocabulary of ETSI EN 319 102-1 and in words a person can
/// read: who signed, when (claimed and proven), the certificate's status at that time, the level, and what the
/// signature covers.
public struct SignatureValidationReport: Codable, Sendable {
    public var indication: ValidationIndication
    public var subIndication: ValidationSubIndication?
    /// What was found wrong or missing, each a stable code with its arguments (`ValidationFinding`); people read
    /// the sentences the translation files give them.
    public var findings: [ValidationFinding] = []
    /// The signer's name (certificate CN) and identification number (`PNO<country>-…`), never a JMBG.
    public var signerName: String?
    public var signerIdentifier: String?
    public var signerCertificateSerial: String?
    public var issuer: String?
    /// The time the signer's software wrote (signing-time or the PDF's /M); a claim, not a proof.
    public var claimedSigningTime: Date?
    /// The time a signature timestamp proves (genTime of a valid RFC 3161 token).
    public var provenSigningTime: Date?
    /// The signer's certificate status as a code (`good`, `revoked`, `unknown`, `no-revocation-data`); the sentence
    /// for people is ``certificateStatusMessage``'s.
    public var certificateStatus: CertificateStatus?
    /// When a revoked signer's certificate was revoked.
    public var certificateRevocationTime: Date?
    /// Why, by its RFC 5280 §5.3.1 name (`keyCompromise`, `certificateHold`, …), when the revocation data says.
    public var certificateRevocationReason: String?
    /// Baseline level found: B-B, B-T, B-LT (with the format: CAdES or PAdES).
    public var format: String?
    public var qualification: SignatureQualification
    /// For PDFs: "the whole document" or what was added after signing.
    public var coverage: String?
    /// Exactly what was signed, so that anyone can check it is the document they hold: for a PDF, the revision
    /// the signature's /ByteRange ends with (ISO 32000-1 §12.8.1); for a detached signature, the signed file.
    public var signedContent: SignedContent?
    /// The work the validation did for the whole document (`ValidationLimits`), and the limit that stopped it.
    public var validationCounters: ValidationCounters?

    /// The bytes a signature covers, identified by length and SHA-256.
    public struct SignedContent: Codable, Sendable, Hashable {
        /// The signed revision is the first `length` bytes of the file: a PDF of its own, as it was when signed.
        public var length: Int
        /// SHA-256 of those first `length` bytes, as lowercase hex (what `head -c length FILE | sha256sum` prints).
        public var sha256: String
        /// 1-based revision of the PDF and how many the file has; nil for a detached signature.
        public var revision: Int?
        public var revisions: Int?

        public init(length: Int, sha256: String, revision: Int? = nil, revisions: Int? = nil) {
            self.length = length
            self.sha256 = sha256
            self.revision = revision
            self.revisions = revisions
        }

        /// The content `bytes`, hashed here.
        public init(of bytes: some DataProtocol, revision: Int? = nil, revisions: Int? = nil) {
            self.init(length: bytes.count, sha256Digest: Array(SHA256.hash(data: bytes)), revision: revision, revisions: revisions)
        }

        /// Content of `length` bytes whose SHA-256 the caller computed (e.g. while streaming a large file).
        public init(length: Int, sha256Digest: [UInt8], revision: Int? = nil, revisions: Int? = nil) {
            let digits = Array("0123456789abcdef".utf8)
            let hex = sha256Digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }
            self.init(length: length, sha256: String(decoding: hex, as: UTF8.self), revision: revision, revisions: revisions)
        }
    }

    public init(indication: ValidationIndication, subIndication: ValidationSubIndication? = nil,
                qualification: SignatureQualification = .notAdvanced) {
        self.indication = indication
        self.subIndication = subIndication
        self.qualification = qualification
    }

    /// True when the signature is TOTAL-PASSED.
    public var passed: Bool { indication == .totalPassed }
}
