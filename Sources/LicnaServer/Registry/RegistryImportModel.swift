import Fluent
import Foundation

/// One run of `licna registry import`. Rows are written in batched transactions, each tagged with the import's id;
/// the import counts only once its state is `committed`. A run that fails, or a process that dies, leaves
/// `running`, and the next start deletes that import's rows: an import is all or nothing.
final class RegistryImportModel: Model, @unchecked Sendable {
    static let schema = "registry_imports"

    @ID(key: .id) var id: UUID?
    @Field(key: "state") var state: String
    @Field(key: "actor") var actor: String
    @Field(key: "rows") var rows: Int
    @OptionalField(key: "started_at") var startedAt: Date?
    @OptionalField(key: "finished_at") var finishedAt: Date?

    init() {}
}
