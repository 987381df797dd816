import Crypto
import Foundation
import LicnaBasics

/// A signed statement of the audit trail's head, to keep outside the database (like a transparency log's signed
/// checkpoint, C2SP `signed-note`): whoever rewrites the whole chain after an entry that a saved checkpoint covers —
/// hashes and head row included — cannot make the chain extend that checkpoint again.
///
/// Text format (UTF-8, `\n` line ends), the first five lines being the signed body:
///
///     licna-audit-checkpoint/v1
///     origin <the installation's public URL>
///     sequence <the last entry's sequence number>
///     head <that entry's SHA-256 hash, 64 lowercase hex digits>
///     time <when it was taken, RFC 3339 UTC with milliseconds>
///
///     timestamp <base64 of an RFC 3161 TimeStampToken over SHA-256(body)>
///
/// The timestamp token is the signature: the installation's TSA signs the body's digest and the time (RFC 3161 §2.4.2),
/// under a certificate that chains to the installation's root, so `openssl ts -verify` checks it without Licna.
public struct AuditCheckpoint: Sendable, Hashable {
    public static let header = "licna-audit-checkpoint/v1"

    public var origin: String
    public var sequence: Int
    public var headHash: String
    public var time: Date
    /// DER of the RFC 3161 TimeStampToken (a CMS ContentInfo) over `SHA-256(body)`.
    public var timestampToken: [UInt8]

    public init(origin: String, sequence: Int, headHash: String, time: Date, timestampToken: [UInt8] = []) {
        self.origin = origin
        self.sequence = sequence
        self.headHash = headHash
        self.time = time
        self.timestampToken = timestampToken
    }

    /// The signed lines.
    public var body: String {
        "\(Self.header)\norigin \(origin)\nsequence \(sequence)\nhead \(headHash)\ntime \(Self.format(time))\n"
    }

    /// What the timestamp token's message imprint must be.
    public var bodyDigest: [UInt8] { Array(SHA256.hash(data: Data(body.utf8))) }

    public var text: String { body + "\ntimestamp " + Data(timestampToken).base64EncodedString() + "\n" }

    /// Why a checkpoint file could not be read (message `error.audit.checkpoint-format`, the detail as `{detail}`).
    public struct FormatError: LicnaError, Hashable {
        /// What is wrong with the text.
        public let detail: String
        public init(description: String) { detail = description }

        public var code: ErrorCode { .auditCheckpointFormat }
        public var category: ErrorCategory { .invalidInput }
        public var messageKey: String { "error.audit.checkpoint-format" }
        public var arguments: [String: String] { ["detail": detail] }
        public var description: String { detail }

        /// Every code a `FormatError` carries.
        public static let allCodes: [ErrorCode] = [.auditCheckpointFormat]
    }

    /// Parses the text format; anything else (other lines, a missing field, non-ASCII digits) is refused.
    public init(text: String) throws(FormatError) {
        guard text.utf8.count <= 64 * 1024 else { throw FormatError(description: "larger than 64 KB") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard lines.count >= 7, lines[0] == Self.header, lines[5].isEmpty else {
            throw FormatError(description: "not a licna-audit-checkpoint/v1 text")
        }
        func field(_ index: Int, _ name: String) throws(FormatError) -> String {
            let prefix = name + " "
            guard lines[index].hasPrefix(prefix) else { throw FormatError(description: "line \(index + 1) must start with \"\(name) \"") }
            return String(lines[index].dropFirst(prefix.count))
        }
        origin = try field(1, "origin")
        let sequenceText = try field(2, "sequence")
        guard sequenceText.utf8.count <= 18, sequenceText.utf8.allSatisfy({ (48...57).contains($0) }), let sequence = Int(sequenceText) else {
            throw FormatError(description: "the sequence must be ASCII digits")
        }
        self.sequence = sequence
        headHash = try field(3, "head")
        guard headHash.utf8.count == 64, headHash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw FormatError(description: "the head must be 64 lowercase hex digits")
        }
        guard let time = Self.parse(try field(4, "time")) else { throw FormatError(description: "the time must be RFC 3339 UTC") }
        self.time = time
        guard let token = Data(base64Encoded: try field(6, "timestamp")), !token.isEmpty else {
            throw FormatError(description: "the timestamp must be base64")
        }
        timestampToken = Array(token)
        guard lines.dropFirst(7).allSatisfy(\.isEmpty) else { throw FormatError(description: "text after the timestamp") }
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        return formatter.string(from: date)
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}

extension ErrorCode {
    /// A text that is not a `licna-audit-checkpoint/v1` checkpoint.
    public static let auditCheckpointFormat = ErrorCode("checkpoint-format")
}
