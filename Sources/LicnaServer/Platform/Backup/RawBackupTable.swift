import Fluent
import Foundation
import SQLKit

/// A table without a Fluent model, backed up column by column through SQLKit, with the columns its definition
/// (`SchemaTable`) names. Keys stay sealed as stored.
struct RawBackupTable: BackupTable {
    let table: SchemaTable
    /// A unique column: the dump reads pages of 2,000 rows after the last one seen, in this order.
    let orderColumn: SchemaColumn

    var schema: String { table.name }
    var columns: [(name: String, kind: RawColumnKind)] { table.columns.map { ($0.name, RawColumnKind($0.kind)) } }
}

enum RawColumnKind {
    case text, integer, blob

    /// How a stored kind travels in a backup line. The tables backed up column by column hold only text, integers
    /// and bytes (`StoredTablesTests` checks it); the others are backed up through their models.
    init(_ kind: SchemaColumn.Kind) {
        switch kind {
        case .text: self = .text
        case .integer, .bigInteger: self = .integer
        case .blob: self = .blob
        case .uuid, .datetime: preconditionFailure("a table backed up column by column holds only text, integers and bytes")
        }
    }
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

    /// The value for an INSERT: a bound parameter, or the literal NULL, which PostgreSQL types from its column
    /// (a bound typed nil would be a `bigint` there, which a `bytea` or `text` column refuses).
    var expression: any SQLExpression {
        if case .null = self { return SQLLiteral.null }
        return SQLBind(bind)
    }
}

private struct RawLine: Codable {
    let table: String
    let row: [String: RawValue]
}

extension RawBackupTable {
    func dump(on database: any Database, encoder: JSONEncoder, write: @Sendable (Data) throws -> Void) async throws -> Int {
        let sql = database.sql
        var count = 0
        var after: RawValue?
        let orderKind = RawColumnKind(orderColumn.kind)
        let orderName = orderColumn.name
        while true {
            var query = sql.select().columns(table.columns).from(table).orderBy(orderColumn).limit(2_000)
            if let after { query = query.where(orderColumn, .greaterThan, SQLBind(after.bind)) }
            let rows = try await query.all()
            for row in rows { try write(try encode(row, encoder: encoder)) }
            count += rows.count
            guard rows.count == 2_000, let last = rows.last else { return count }
            switch orderKind {
            case .integer: after = .integer(try last.decode(column: orderName, as: Int64.self))
            case .text: after = .text(try last.decode(column: orderName, as: String.self))
            case .blob: after = .blob(try last.decode(column: orderName, as: Data.self))
            }
        }
    }

    private func encode(_ row: any SQLRow, encoder: JSONEncoder) throws -> Data {
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

    func insert(_ lines: [Data], on database: any Database, decoder: JSONDecoder) async throws {
        let sql = database.sql
        let names = table.columnNames
        for line in lines {
            let row = try decoder.decode(RawLine.self, from: line).row
            try await sql.insert(into: table).columns(table.columns)
                .values(names.map { (row[$0] ?? .null).expression }).run()
        }
    }

    func deleteAll(on database: any Database) async throws {
        try await database.sql.delete(from: table).run()
    }
}

extension PKIAuthoritiesTable {
    static func count(on database: any Database) async throws -> Int {
        try await database.sql.raw("SELECT COUNT(*) AS n FROM \(table)").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The root certificate's DER when this backup line is the root's row.
    static func rootCertificate(inLine data: Data, decoder: JSONDecoder) -> Data? {
        guard let line = try? decoder.decode(RawLine.self, from: data), case .text("root")? = line.row[id.name],
              case .blob(let der)? = line.row[certificate.name] else { return nil }
        return der
    }
}
