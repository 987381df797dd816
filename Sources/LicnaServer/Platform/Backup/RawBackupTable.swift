import Fluent
import Foundation
import SQLKit

/// A table without a Fluent model, backed up column by column through SQLKit. Keys stay sealed as stored.
protocol RawBackupTable: BackupTable {
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
        if text.hasPrefix("b64:") { self = .blob(Data(base64Encoded: String(text.dropFirst(4))) ?? Data()) } else {
            self = .text(String(text.dropFirst(4)))
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
        let sql = database as! any SQLDatabase
        let rows = try await sql.select().columns(columns.map { SQLColumn($0.name) }).from(schema).orderBy(orderColumn).all()
        for row in rows {
            var values: [String: RawValue] = [:]
            for (name, kind) in columns {
                switch kind {
                case .text: values[name] = try row.decode(column: name, as: String?.self).map(RawValue.text) ?? .null
                case .integer: values[name] = try row.decode(column: name, as: Int64?.self).map(RawValue.integer) ?? .null
                case .blob: values[name] = try row.decode(column: name, as: Data?.self).map(RawValue.blob) ?? .null
                }
            }
            try write(try encoder.encode(RawLine(table: schema, row: values)) + Data("\n".utf8))
        }
        return rows.count
    }

    static func insert(_ lines: [Data], on database: any Database, decoder: JSONDecoder) async throws {
        let sql = database as! any SQLDatabase
        for line in lines {
            let row = try decoder.decode(RawLine.self, from: line).row
            try await sql.insert(into: schema).columns(columns.map(\.name))
                .values(columns.map { SQLBind((row[$0.name] ?? .null).bind) }).run()
        }
    }

    static func deleteAll(on database: any Database) async throws {
        try await (database as! any SQLDatabase).delete(from: schema).run()
    }
}

struct PKISettingsTable: RawBackupTable {
    static let schema = "pki_settings"
    static let orderColumn = "id"
    static let columns: [(name: String, kind: RawColumnKind)] = [("id", .text), ("value", .text)]
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
    static let orderColumn = "authority_id"
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
