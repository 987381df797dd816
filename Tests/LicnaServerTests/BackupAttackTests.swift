import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// Issue 10, item 3: a backup is only as good as the proof that nobody changed it. Each forged backup below restored
/// before backups carried a MAC and keys were bound to their rows; each must now be refused with nothing written.
@Suite struct BackupAttackTests {
    /// A source installation with persons, a CA and a revoked certificate, its backup lines, and its root's pin.
    struct Source {
        let installation: TestInstallation
        let lines: [String]
        let rootPin: [UInt8]
        let revokedSerial: String
    }

    static func makeSource(_ engine: TestEngine) async throws -> Source {
        let installation = try await TestInstallation.make(engine)
        let collected = Lines()
        let (pin, serial) = try await installation.withAppResult(http: false, demo: true) { app in
            try await TrustFixtures.initialize(app)
            let certificate = try await TrustFixtures.issue(app)
            try await app.licna.trust.authority(on: app.db).change(serial: certificate.serialNumber.hex, .revoke(.keyCompromise, invalidityDate: nil),
                                                                  context: .test)
            _ = try await BackupService(database: app.db, masterKey: installation.key, clock: app.licna.configuration.clock).backup { collected.append($0) }
            let root = try await app.licna.trust.authority(on: app.db).hierarchy().authority(.root).der
            return (Array(SHA256.hash(data: root)), certificate.serialNumber.hex)
        }
        return Source(installation: installation, lines: collected.texts, rootPin: pin, revokedSerial: serial)
    }

    /// Restores `lines` into a fresh installation with the source's key; returns the failure's message key (nil when
    /// it restored) and asserts that a refused restore left nothing behind.
    static func restore(_ lines: [String], from source: Source, engine: TestEngine, pin: [UInt8]?? = .none,
                        acceptLegacy: Bool = false) async throws -> String? {
        let target = try await TestInstallation.make(engine)
        let installation = TestInstallation(storage: target.storage, directory: target.directory, key: source.installation.key)
        let forged = Lines()
        forged.texts = lines
        return try await installation.withAppResult(http: false) { app in
            do {
                _ = try await BackupService(database: app.db, masterKey: source.installation.key, clock: app.licna.configuration.clock)
                    .restore(forged.reader, options: .init(rootSHA256: pin ?? source.rootPin, acceptLegacy: acceptLegacy))
                return nil
            } catch let failure as BackupService.Failure {
                #expect(try await PersonModel.query(on: app.db).count() == 0)
                #expect(try await AuditEntryModel.query(on: app.db).count() == 0)
                #expect(try await PKIAuthoritiesTable.count(on: app.db) == 0)
                let certificates = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM pki_certificates").first()?
                    .decode(column: "n", as: Int.self)
                #expect(certificates == 0)
                return failure.messageKey
            }
        }
    }

    /// What an attacker who somehow had the master key could do: recompute the MAC after a change. Used to show that
    /// the checks behind the MAC (keys bound to rows, the pinned root) hold on their own.
    static func remac(_ lines: [String], key: MasterKey) -> [String] {
        var mac = HMAC<SHA256>(key: key.derive(purpose: "backup.mac", version: 1))
        for line in lines.dropLast() { mac.update(data: Data((line + "\n").utf8)) }
        var end = object(lines.last!)
        end["mac"] = mac.finalize().hexString
        return lines.dropLast() + [text(end)]
    }

    static func object(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    static func text(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    /// Rewrites the rows of `table` for which `match` holds.
    static func edit(_ lines: [String], table: String, where match: ([String: Any]) -> Bool, _ change: (inout [String: Any]) -> Void) -> [String] {
        lines.map { line in
            var object = object(line)
            guard object["table"] as? String == table, var row = object["row"] as? [String: Any], match(row) else { return line }
            change(&row)
            object["row"] = row
            return text(object)
        }
    }

    @Test(arguments: TestEngine.available)
    func anUntouchedBackupRestoresAndEveryForgeryIsRefused(engine: TestEngine) async throws {
        let source = try await Self.makeSource(engine)
        #expect(try await Self.restore(source.lines, from: source, engine: engine) == nil)

        // 1. A revoked certificate made good again.
        let unrevoked = Self.edit(source.lines, table: "pki_certificates", where: { $0["serial"] as? String == "txt:" + source.revokedSerial }) {
            $0["status"] = "txt:good"
            $0["revoked_at"] = NSNull()
        }
        #expect(unrevoked != source.lines)
        #expect(try await Self.restore(unrevoked, from: source, engine: engine) == "error.restore.mac")

        // 2. Two sealed keys swapped between rows: refused by the MAC, and by the keys' binding even with a valid MAC.
        let keys = source.lines.map(Self.object).filter { $0["table"] as? String == "pki_signing_keys" }.compactMap { $0["row"] as? [String: Any] }
        let tsa = try #require(keys.first { $0["id"] as? String == "txt:timestamping" }?["sealed_key"])
        let signer = try #require(keys.first { $0["id"] as? String == "txt:document-signer" }?["sealed_key"])
        var swapped = Self.edit(source.lines, table: "pki_signing_keys", where: { $0["id"] as? String == "txt:timestamping" }) { $0["sealed_key"] = signer }
        swapped = Self.edit(swapped, table: "pki_signing_keys", where: { $0["id"] as? String == "txt:document-signer" }) { $0["sealed_key"] = tsa }
        #expect(try await Self.restore(swapped, from: source, engine: engine) == "error.restore.mac")
        #expect(try await Self.restore(Self.remac(swapped, key: source.installation.key), from: source, engine: engine) == "error.restore.keys")

        // 3. The audit chain rewritten from its first entry on, hashes and head recomputed: consistent, and refused.
        var previous: (sequence: Int, hash: String)?
        var rewritten: [String] = []
        var head: (Int, String) = (0, AuditRecord.genesisHash)
        for line in source.lines {
            var object = Self.object(line)
            guard object["table"] as? String == "audit_entries", var row = object["row"] as? [String: Any] else {
                rewritten.append(line)
                continue
            }
            let record = AuditRecord(after: previous, time: Date(timeIntervalSince1970: 0), actor: "nobody", purpose: "nothing",
                                     action: row["action"] as? String ?? "", objectType: row["objectType"] as? String ?? row["object_type"] as? String ?? "",
                                     objectID: nil, detail: nil)
            for (key, value) in row {
                switch key {
                case "actor": row[key] = record.actor
                case "purpose": row[key] = record.purpose
                case "timeMilliseconds", "time_ms": row[key] = 0
                case "objectID", "object_id", "detail": row[key] = NSNull()
                case "previousHash", "previous_hash": row[key] = record.previousHash
                case "hash": row[key] = record.hash
                default: _ = value
                }
            }
            object["row"] = row
            previous = (record.sequence, record.hash)
            head = (record.sequence, record.hash)
            rewritten.append(Self.text(object))
        }
        rewritten = Self.edit(rewritten, table: "audit_head", where: { _ in true }) { $0["hash"] = head.1 }
        #expect(try await Self.restore(rewritten, from: source, engine: engine) == "error.restore.mac")

        // 4. Another root: refused by the MAC; with a valid MAC, by the operator's pin; without a pin, not at all.
        let other = try await Self.makeSource(.sqlite)
        let otherRoot = other.lines.map(Self.object).first { ($0["row"] as? [String: Any])?["id"] as? String == "txt:root" && $0["table"] as? String == "pki_authorities" }
        let otherCertificate = try #require((otherRoot?["row"] as? [String: Any])?["certificate"])
        let replaced = Self.edit(source.lines, table: "pki_authorities", where: { $0["id"] as? String == "txt:root" }) { $0["certificate"] = otherCertificate }
        #expect(try await Self.restore(replaced, from: source, engine: engine) == "error.restore.mac")
        #expect(try await Self.restore(Self.remac(replaced, key: source.installation.key), from: source, engine: engine) == "error.restore.root-mismatch")
        #expect(try await Self.restore(source.lines, from: source, engine: engine, pin: .some(nil)) == "error.restore.root-needed")

        // 5. A backup without a MAC (version 1) restores only when the operator says so.
        var legacy = source.lines
        var header = Self.object(legacy[0])
        header["version"] = 1
        legacy[0] = Self.text(header)
        var end = Self.object(legacy[legacy.count - 1])
        end.removeValue(forKey: "mac")
        legacy[legacy.count - 1] = Self.text(end)
        #expect(try await Self.restore(legacy, from: source, engine: engine) == "error.restore.legacy")
        #expect(try await Self.restore(legacy, from: source, engine: engine, acceptLegacy: true) == nil)
    }

    @Test func twoBackupsOfOneInstallationDifferAndKeysSealedBeforeTheBindingAreUpgradedAtStart() async throws {
        let source = try await Self.makeSource(.sqlite)
        let second = Lines()
        try await source.installation.withApp(http: false) { app in
            _ = try await BackupService(database: app.db, masterKey: source.installation.key, clock: app.licna.configuration.clock).backup { second.append($0) }
        }
        #expect(Self.object(second.texts[0])["backupId"] as? String != Self.object(source.lines[0])["backupId"] as? String)
        #expect(second.texts.last != source.lines.last)

        // Keys sealed the old way (no associated data) are re-sealed once at start and keep working.
        try await source.installation.withApp(http: false) { app in
            let sql = app.db.sql
            let key = source.installation.key.derive(purpose: "trust-service-keys", version: 1)
            let vault = app.licna.trust.vault
            for (table, location) in [("pki_authorities", SealedKeyLocation.authority), ("pki_signing_keys", SealedKeyLocation.signingKey)] {
                for row in try await sql.select().columns("id", "sealed_key").from(table).all() {
                    let id = try row.decode(column: "id", as: String.self)
                    let plain = try vault.openBytes([UInt8](try row.decode(column: "sealed_key", as: Data.self)), at: location(id))
                    let legacy = try #require(try AES.GCM.seal(plain, using: key).combined)
                    try await sql.update(table).set("sealed_key", to: SQLBind(legacy)).where("id", .equal, id).run()
                }
            }
            try await sql.delete(from: "pki_settings").where("id", .equal, "key-sealing").run()
        }
        try await source.installation.withApp(http: false) { app in
            let hierarchy = try await app.licna.trust.authority(on: app.db).hierarchy()
            #expect(hierarchy.timestamping != nil && hierarchy.responders.count == 3)
            // The root's passphrase layer still opens inside the re-sealed row.
            _ = try app.licna.trust.authority(on: app.db).unlockRoot(passphrase: TrustFixtures.setup.rootPassphrase, hierarchy: hierarchy)
            let setting = try await app.db.sql.select().column("value").from("pki_settings").where("id", .equal, "key-sealing").first()
            #expect(try setting?.decode(column: "value", as: String.self) == "2")
        }
        // A key moved into another row after that stops the server from starting.
        try await source.installation.withApp(http: false) { app in
            let sql = app.db.sql
            let rows = try await sql.select().columns("id", "sealed_key").from("pki_signing_keys").all()
            let tsa = try #require(rows.first { (try? $0.decode(column: "id", as: String.self)) == "timestamping" })
            try await sql.update("pki_signing_keys").set("sealed_key", to: SQLBind(try tsa.decode(column: "sealed_key", as: Data.self)))
                .where("id", .equal, "document-signer").run()
        }
        let app = try await Application.make(.testing)
        await #expect(throws: TrustError.self) { try await configureLicna(app, source.installation.configuration(), options: .init(http: false)) }
        try await app.asyncShutdown()
    }
}
