import Fluent
import Foundation
import SQLKit

extension TrustKeyVault {
    /// The `pki_settings` row that says how the keys are sealed; "2": bound to their rows (`SealedKeyLocation`).
    static let sealingSetting = "key-sealing"
    static let currentSealing = "2"

    /// Re-seals keys stored before they were bound to their rows, once, in one transaction (run at start and after a
    /// restore of an older backup). Nothing to do for an installation without a CA or one already upgraded.
    /// Returns how many keys were re-sealed.
    @discardableResult
    func upgradeSealing(on database: any Database) async throws -> Int {
        let sql = database.sql
        let setting = try await sql.select().column("value").from("pki_settings").where("id", .equal, Self.sealingSetting).first()
        if try setting?.decode(column: "value", as: String.self) == Self.currentSealing { return 0 }
        let authorities = try await sql.select().columns("id", "sealed_key").from("pki_authorities").all()
        guard !authorities.isEmpty else { return 0 }
        return try await database.transaction { db in
            let sql = db.sql
            var count = 0
            for (table, location) in [("pki_authorities", SealedKeyLocation.authority), ("pki_signing_keys", SealedKeyLocation.signingKey)] {
                for row in try await sql.select().columns("id", "sealed_key").from(table).all() {
                    let id = try row.decode(column: "id", as: String.self)
                    let stored = [UInt8](try row.decode(column: "sealed_key", as: Data.self))
                    if (try? openBytes(stored, at: location(id))) != nil { continue }  // already bound (an interrupted upgrade)
                    let plain: [UInt8]
                    do { plain = try openUnbound(stored) } catch {
                        throw TrustError.keyMismatch("the sealed key of \(location(id)) opens neither in its row nor unbound")
                    }
                    let sealed = try seal(bytes: plain, at: location(id))
                    try await sql.update(table).set("sealed_key", to: SQLBind(Data(sealed))).where("id", .equal, id).run()
                    count += 1
                }
            }
            try await sql.delete(from: "pki_settings").where("id", .equal, Self.sealingSetting).run()
            try await sql.insert(into: "pki_settings").columns("id", "value").values(SQLBind(Self.sealingSetting), SQLBind(Self.currentSealing)).run()
            return count
        }
    }
}
