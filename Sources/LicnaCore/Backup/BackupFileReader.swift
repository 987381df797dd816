import Crypto
import Foundation
import LicnaBasics

/// The framing of a backup file (`licna backup`, format version 2), read without a database: JSON Lines whose first
/// line is the header `{"format":"licna-backup","version":2,"createdAt":…,"backupId":…,"masterKeyCheck":…,"tables":[…]}`,
/// then one line per row, `{"table":NAME,"row":{…}}`, and last `{"end":true,"rows":N,"mac":HEX}`: HMAC-SHA256, under
/// a subkey of the master key, of every byte before that line. `BackupService` checks a file with it before it
/// restores anything; the backup fuzzer (Sources/LicnaBackupFuzz) feeds it hostile files.
public struct BackupFileReader: Sendable {
    /// The version `licna backup` writes; version 1 (no MAC) is read only when the operator accepts it.
    public static let currentVersion = 2

    /// The first line.
    public struct Header: Codable, Sendable {
        public var format = "licna-backup"
        public var version = BackupFileReader.currentVersion
        public var createdAt: Date
        /// 16 random bytes: no two backups share their bytes, even of an unchanged installation.
        public var backupId: String?
        public var masterKeyCheck: String
        public var tables: [String]

        public init(createdAt: Date, backupId: String?, masterKeyCheck: String, tables: [String]) {
            self.createdAt = createdAt
            self.backupId = backupId
            self.masterKeyCheck = masterKeyCheck
            self.tables = tables
        }
    }

    /// A row line or the end line, as far as the framing reads it.
    public struct Line: Decodable, Sendable {
        public let table: String?
        public let end: Bool?
        public let rows: Int?
        public let mac: String?
    }

    /// The last line.
    public struct End: Codable, Sendable {
        public var end = true
        public var rows: Int
        public var mac: String

        public init(rows: Int, mac: String) {
            self.rows = rows
            self.mac = mac
        }
    }

    /// Why a file is refused: one of the `restore-…` codes (``ErrorCode/restoreFormat``, `restoreVersion`,
    /// `restoreMasterKey`, `restoreLegacy`, `restoreTruncated`, `restoreMAC`), shown to the operator as
    /// `error.restore.<what>`.
    public struct Failure: Error, Hashable, Sendable {
        public let code: ErrorCode
    }

    /// What a checked file holds.
    public struct Checked: Hashable, Sendable {
        public var rows: Int
        public var version: Int
        /// The root certificate's DER, when a row holds it.
        public var rootCertificate: Data?
    }

    public let masterKey: MasterKey

    public init(masterKey: MasterKey) {
        self.masterKey = masterKey
    }

    /// Proves the backup was made under this master key without revealing it: 16 bytes of an HMAC, in hex.
    public var masterKeyCheck: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("licna backup check".utf8), using: masterKey.derive(purpose: "backup.check", version: 1))
        return Data(mac).prefix(16).hexString
    }

    /// The MAC over a backup's bytes: HMAC-SHA256 under its own subkey of the master key.
    public func makeMAC() -> HMAC<SHA256> { HMAC<SHA256>(key: masterKey.derive(purpose: "backup.mac", version: 1)) }

    /// Reads the file's lines from `nextLine` (without their newline) to the end: the header, the MAC over every
    /// byte, the row count against the end line, and nothing after it. `rootCertificate` gives the root's DER when a
    /// row line (of the table it names) holds it; a second root is refused. Writes nothing.
    public func check(_ nextLine: () -> Data?, decoder: JSONDecoder, acceptLegacy: Bool,
                      rootCertificate: (_ table: String, _ line: Data) -> Data?) throws(Failure) -> Checked {
        guard let first = nextLine(), let header = try? decoder.decode(Header.self, from: first),
              header.format == "licna-backup" else { throw Failure(code: .restoreFormat) }
        guard header.version == 1 || header.version == Self.currentVersion else { throw Failure(code: .restoreVersion) }
        guard header.masterKeyCheck == masterKeyCheck else { throw Failure(code: .restoreMasterKey) }
        if header.version == 1, !acceptLegacy { throw Failure(code: .restoreLegacy) }
        var mac = makeMAC()
        mac.update(data: first)
        mac.update(data: Data("\n".utf8))
        var rows = 0
        var rootDER: Data?
        var end: Line?
        while let data = nextLine() {
            guard let line = try? decoder.decode(Line.self, from: data) else { throw Failure(code: .restoreFormat) }
            if line.end == true {
                end = line
                break
            }
            guard let table = line.table else { throw Failure(code: .restoreFormat) }
            if let root = rootCertificate(table, data) {
                guard rootDER == nil else { throw Failure(code: .restoreFormat) }
                rootDER = root
            }
            mac.update(data: data)
            mac.update(data: Data("\n".utf8))
            rows += 1
        }
        guard let end, end.rows == rows, nextLine() == nil else { throw Failure(code: .restoreTruncated) }
        if header.version >= 2 {
            let expected = Data(mac.finalize())
            guard let given = end.mac.flatMap(Self.bytes(hex:)), given.count == expected.count,
                  zip(given, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
                throw Failure(code: .restoreMAC)
            }
        }
        return Checked(rows: rows, version: header.version, rootCertificate: rootDER)
    }

    /// The bytes of a MAC written in hex (at most 128 digits), or nil.
    public static func bytes(hex text: String) -> [UInt8]? {
        text.utf8.count <= 128 ? ASCIIHex.decode(Array(text.utf8)) : nil
    }
}
