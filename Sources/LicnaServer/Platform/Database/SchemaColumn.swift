import Fluent
import SQLKit

/// One column of a table Licna stores: its name, its type and whether it must hold a value. The migrations create
/// the column from it, the backup copies it, and queries name it through it (it is an `SQLExpression`, so it can be
/// given to SQLKit's builders and interpolated into raw SQL, where it appears as a quoted identifier).
struct SchemaColumn: Sendable, Hashable, SQLExpression {
    /// The stored type. Times in the trust tables are Unix seconds (`bigInteger`), the same on SQLite and PostgreSQL.
    enum Kind: Sendable, Hashable {
        case text, integer, bigInteger, blob, uuid, datetime
    }

    /// What the column is to its row.
    enum Role: Sendable, Hashable {
        /// The primary key; `generated` when the database numbers the rows.
        case identifier(generated: Bool)
        case required
        case optional
    }

    let name: String
    let kind: Kind
    let role: Role

    init(_ name: String, _ kind: Kind, _ role: Role = .required) {
        self.name = name
        self.kind = kind
        self.role = role
    }

    /// The column's key for Fluent's models and schema builder.
    var key: FieldKey { FieldKey(stringLiteral: name) }

    /// The column as Fluent's schema builder creates it.
    var definition: DatabaseSchema.FieldDefinition {
        let dataType: DatabaseSchema.DataType = switch kind {
        case .text: .string
        case .integer: .int
        case .bigInteger: .int64
        case .blob: .data
        case .uuid: .uuid
        case .datetime: .datetime
        }
        let constraints: [DatabaseSchema.FieldConstraint] = switch role {
        case .identifier(let generated): [.identifier(auto: generated)]
        case .required: [.required]
        case .optional: []
        }
        return .definition(name: .key(key), dataType: dataType, constraints: constraints)
    }

    func serialize(to serializer: inout SQLSerializer) {
        SQLIdentifier(name).serialize(to: &serializer)
    }
}

extension SQLPredicateBuilder {
    /// `column op value`, with the value bound (SQLKit takes a bound value only beside a column named by text).
    func `where`(_ column: SchemaColumn, _ op: SQLBinaryOperator, _ value: some Encodable & Sendable) -> Self {
        self.where(SQLIdentifier(column.name), op, value)
    }

    /// `column op (values…)`, each value bound on its own (`IN`).
    func `where`(_ column: SchemaColumn, _ op: SQLBinaryOperator, _ values: [some Encodable & Sendable]) -> Self {
        self.where(SQLIdentifier(column.name), op, values)
    }
}
