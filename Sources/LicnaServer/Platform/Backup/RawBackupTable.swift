import Fluent
import Foundation
import SQLKit

/// A table without a Fluent model, backed up column by column through SQLKit. Keys stay sealed as stored.
protocol RawBackupTable: BackupTable {
    /// A unique column: the dump reads pages of 2,000 rows after the last one seen, in this order.
    static var orderColumn: String { get }
    static var columns: [(name: String, kind: RawColumnKind)] { get }
}

enum RawColumnKind {
    case text, integer, blob
}

/// One value of a raw row in the backup file.
enum RawValue: Codable, Sendable {
    case text(String), integer(Int64), blob(Data), null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let number = try? container.decode(Int64.self) { self = .integer(number); return }
        let text = try container.decode(String.self)
        if text.hasPrefix("b64:") {
            guard let data = Data(base64Encoded: String(text.dropFirst(4))) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "a binary value is not valid base64")
            }
            self = .blob(data)
        } else if text.hasPrefix("txt:") {
            self = .text(String(text.dropFirst(4)))
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a value has no type prefix")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode("txt:" + text)
        case .integer(let number): try container.encode(number)
        case .blob(let data): try container.encode("b64:" + data.base64EncodedString())
        case .null: try container.encodeNil()
        }
    }

    var bind: any Encodable & Sendable {
        switch self {
        case .text(let text): text
        case .integer(let number): number
        case .blob(let data): data
        case .null: Int64?.none
        }
    }
}

private struct RawLine: Codable {
    let table: String
    let row: [String: RawValue]
}

extension RawBackupTable {
    static func dump(on database: any Database, encoder: JSONEncoder, write: @Sendable (Data) throws -> Void) async throws -> Int {
        let sql = database.sql
        var count = 0
        var after: RawValue?
        let orderKind = columns.first { $0.name == orderColumn }?.kind ?? .text
        while true {
            var query = sql.select().columns(columns.map { SQLColumn($0.name) }).from(schema).orderBy(orderColumn).limit(2_000)
            if let after { query = query.where(SQLColumn(orderColumn), .greaterThan, SQLBind(after.bind)) }
            let rows = try await query.all()
            for row in rows { try write(try encode(row, encoder: encoder)) }
            count += rows.count
            guard rows.count == 2_000, let last = rows.last else { return count }
            switch orderKind {
            case .integer: after = .integer(try last.decode(column: orderColumn, as: Int64.self))
            case .text: after = .text(try last.decode(column: orderColumn, as: String.self))
            case .blob: after = .blob(try last.decode(column: orderColumn, as: Data.self))
            }
        }
    }

    private static func encode(_ row: any SQLRow, encoder: JSONEncoder) throws -> Data {
            var values: [String: RawValue] = [:]
            for (name, kind) in columns {
                switch kind {
                case .text: values[name] = try row.decode(column: name, as: String?.self).map(RawValue.text) ?? .null
                case .integer: values[name] = try row.decode(column: name, as: Int64?.self).map(RawValue.integer) ?? .null
                case .blob: values[name] = try row.decode(column: name, as: Data?.self).map(RawValue.blob) ?? .null
                }
            }
            return try encoder.encode(RawLine(table: schema, row: values)) + Data("\n".utf8)
    }

    static func insert(_ lines: [Data], on database: any Database, decoder: JSONDecoder) async throws {
        let sql = database.sql
        for line in lines {
            let row = try decoder.decode(RawLine.self, from: line).row
            try await sql.insert(into: schema).columns(columns.map(\.name))
                .values(columns.map { SQLBind((row[$0.name] ?? .null).bind) }).run()
        }
    }

    static func deleteAll(on database: any Database) async throws {
        try await database.sql.delete(from: schema).run()
    }
}

struct PKISettingsTable: RawBackupTable {
    static let schema = "pki_settings"
    static let orderColumn = "id"
    static let columns: [(name: String, kind: RawColumnKind)] = [("id", .text), ("value", .text)]
}

extension PKIAuthoritiesTable {
    static func count(on database: any Database) async throws -> Int {
        try await database.sql.raw("SELECT COUNT(*) AS n FROM pki_authorities").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The root certificate's DER when this backup line is the root's row.
    static func rootCertificate(inLine data: Data, decoder: JSONDecoder) -> Data? {
        guard let line = try? decoder.decode(RawLine.self, from: data), case .text("root")? = line.row["id"],
              case .blob(let der)? = line.row["certificate"] else { return nil }
        return der
    }
}

struct PKIAuthoritiesTable: RawBackupTable {
    static let schema = "pki_authorities"
    static let orderColumn = "id"
    static let columns: [(name: String, kind: RawColumnKind)] = [
        ("id", .text), ("profile", .text), ("certificate", .blob), ("sealed_key", .blob), ("key_protection", .text),
        ("issued_count", .integer), ("crl_number", .integer), ("created_at", .integer),
    ]
}

struct PKISigningKeysTable: RawBackupTable {
    static let schema = "pki_signing_keys"
    static let orderColumn = "id"
    static let columns: [(name: String, kind: RawColumnKind)] = [
        ("id", .text), ("authority_id", .text), ("purpose", .text), ("certificate", .blob), ("sealed_key", .blob),
        ("not_after", .integer), ("updated_at", .integer),
    ]
}

struct PKICertificatesTable: RawBackupTable {
    static let schema = "pki_certificates"
    static let orderColumn = "serial"
    static let columns: [(name: String, kind: RawColumnKind)] = [
        ("serial", .text), ("authority_id", .text), ("profile", .text), ("subject", .text), ("partition_number", .integer),
        ("not_before", .integer), ("not_after", .integer), ("status", .text), ("revoked_at", .integer), ("reason", .integer),
        ("invalidity_date", .integer), ("certificate", .blob), ("issued_at", .integer),
    ]
}

struct PKIStatusChangesTable: RawBackupTable {
    static let schema = "pki_status_changes"
    static let orderColumn = "id"
    static let columns: [(name: String, kind: RawColumnKind)] = [("id", .integer), ("serial", .text), ("authority_id", .text), ("changed_at", .integer)]
}

struct PKICRLsTable: RawBackupTable {
    static let schema = "pki_crls"
    /// `crl` is unique too (each CRL carries its own signature), so it orders the pages.
    static let orderColumn = "crl"
    static let columns: [(name: String, kind: RawColumnKind)] = [
        ("authority_id", .text), ("partition_number", .integer), ("crl_number", .integer), ("this_update", .integer),
        ("next_update", .integer), ("crl", .blob),
    ]
}

struct PKICountersTable: RawBackupTable {
    static let schema = "pki_counters"
    static let orderColumn = "id"
    static let columns: [(name: String, kind: RawColumnKind)] = [("id", .text), ("value", .integer)]
}
