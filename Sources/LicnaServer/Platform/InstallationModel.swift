import Fluent
import Foundation
import LicnaBasics
import LicnaCore

/// One row describing the installation: when it was made, and a check value of the master key it was made with,
/// so that starting with another key is refused instead of silently sealing new data under a second key.
final class InstallationModel: Model, @unchecked Sendable {
    static let schema = InstallationTable.table.name

    @ID(custom: InstallationTable.id.key, generatedBy: .user) var id: Int?
    @Field(key: InstallationTable.masterKeyCheck.key) var masterKeyCheck: String
    @Field(key: InstallationTable.createdAt.key) var createdAt: Date

    init() {}

    /// A value derived from the master key that reveals nothing about it.
    static func check(_ key: MasterKey) -> String {
        key.derive(purpose: "installation.check", version: 1).withUnsafeBytes { Data($0) }
            .prefix(16).hexString
    }

    /// Records the key on first start (at `now`, the installation's clock); afterwards, refuses a different one.
    static func verify(_ key: MasterKey, at now: Date, on database: any Database) async throws {
        let expected = check(key)
        if let existing = try await InstallationModel.find(1, on: database) {
            guard existing.masterKeyCheck == expected else { throw MasterKeyError.wrong }
            return
        }
        let model = InstallationModel()
        model.id = 1
        model.masterKeyCheck = expected
        model.createdAt = now
        try await model.create(on: database)
    }
}

struct CreateInstallation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await InstallationTable.table.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await InstallationTable.table.delete(on: database)
    }
}
