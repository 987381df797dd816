import Fluent
import Foundation

/// Every identification number ever drawn: the pool (not yet issued, `issuedAt` nil) and the issued ones. The
/// unique index on `number` is what guarantees a number is never handed out twice, whoever allocates it.
final class IdentificationNumberModel: Model, @unchecked Sendable {
    static let schema = IdentificationNumbersTable.table.name

    /// Position in the pool: numbers are handed out in this order.
    @ID(custom: IdentificationNumbersTable.id.key, generatedBy: .database) var id: Int?
    @Field(key: IdentificationNumbersTable.number.key) var number: String
    @OptionalField(key: IdentificationNumbersTable.issuedAt.key) var issuedAt: Date?

    init() {}
}
