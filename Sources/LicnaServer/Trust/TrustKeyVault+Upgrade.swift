import Fluent
import Foundation
import SQLKit

extension TrustKeyVault {
    /// How the keys are sealed now (`InstallationSettings.keySealing`): 2, bound to their rows (`SealedKeyLocation`).
    static let currentSealing = 2

    /// Re-seals keys stored before they were bound to their rows, once, in one transaction (run at start and after a
    /// restore of an older backup). Nothing to do for an installation without a CA or one already upgraded.
    /// Returns how many keys were re-sealed.
    @discardableResult
    func upgradeSealing(on database: any Database) async throws -> Int {
        let sql = database.sql
        if try await InstallationSettings.read(on: sql).keySealing == Self.currentSealing { return 0 }
        let authorities = try await sql.select().column(PKIAuthoritiesTable.id).from(PKIAuthoritiesTable.table).all()
        guard !authorities.isEmpty else { return 0 }
        return try await database.retryingTransaction { db in
            let sql = db.sql
            var count = 0
            // Both tables name their key columns alike.
            let tables = [(PKIAuthoritiesTable.table, SealedKeyLocation.authority), (PKISigningKeysTable.table, SealedKeyLocation.signingKey)]
            let (idColumn, keyColumn) = (PKIAuthoritiesTable.id, PKIAuthoritiesTable.sealedKey)
            for (table, location) in tables {
                for row in try await sql.select().columns(idColumn, keyColumn).from(table).all() {
                    let id = try row.decode(column: idColumn.name, as: String.self)
                    let stored = [UInt8](try row.decode(column: keyColumn.name, as: Data.self))
                    if (try? openBytes(stored, at: location(id))) != nil { continue }  // already bound (an interrupted upgrade)
                    let plain: [UInt8]
                    do { plain = try openUnbound(stored) } catch {
                        throw TrustError.keyMismatch("the sealed key of \(location(id)) opens neither in its row nor unbound")
                    }
                    let sealed = try seal(bytes: plain, at: location(id))
                    try await sql.update(table).set(keyColumn, to: SQLBind(Data(sealed))).where(idColumn, .equal, id).run()
                    count += 1
                }
            }
            try await InstallationSettings.replace(.keySealing, String(Self.currentSealing), on: sql)
            return count
        }
    }
}
