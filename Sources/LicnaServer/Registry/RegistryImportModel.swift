import Fluent
import Foundation

/// One run of `licna registry import`. Rows are written in batched transactions, each tagged with the import's id;
/// the import counts only once its state is `committed`. A run that fails, or a process that dies, leaves
/// `running`, and the next start deletes that import's rows: an import is all or nothing.
final class RegistryImportModel: Model, @unchecked Sendable {
    static let schema = RegistryImportsTable.table.name

    @ID(key: .id) var id: UUID?
    @Field(key: RegistryImportsTable.state.key) var state: String
    @Field(key: RegistryImportsTable.actor.key) var actor: String
    @Field(key: RegistryImportsTable.rows.key) var rows: Int
    @OptionalField(key: RegistryImportsTable.startedAt.key) var startedAt: Date?
    @OptionalField(key: RegistryImportsTable.finishedAt.key) var finishedAt: Date?

    init() {}
}
