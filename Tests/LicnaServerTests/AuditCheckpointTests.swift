import Fluent
import Foundation
import LicnaCore
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// Issue 10, item 4: an insider who rewrites the whole chain after an entry — recomputing every hash and the head
/// row — leaves a chain that `audit verify` finds whole. A checkpoint saved outside the database names the rewrite.
@Suite struct AuditCheckpointTests {
    /// Rewrites every entry from `sequence` on (another actor), recomputing the hashes and the head, as an insider with
    /// database access could.
    static func rewrite(from sequence: Int, on database: any Database) async throws {
        let entries = try await AuditEntryModel.query(on: database).sort(\.$id).all()
        var previous: (sequence: Int, hash: String)? = nil
        for model in entries {
            let record = model.record
            guard record.sequence >= sequence else {
                previous = (record.sequence, record.hash)
                continue
            }
            let forged = AuditRecord(after: previous, time: record.time, actor: "nobody", purpose: record.purpose, action: record.action,
                                     objectType: record.objectType, objectID: record.objectID, detail: record.detail)
            model.actor = forged.actor
            model.previousHash = forged.previousHash
            model.hash = forged.hash
            try await model.save(on: database)
            previous = (forged.sequence, forged.hash)
        }
        try await database.sql.update(AuditHeadModel.schema).set("hash", to: SQLBind(previous?.hash ?? "")).where("id", .equal, 1).run()
    }

    @Test(arguments: TestEngine.available)
    func aRewrittenChainIsNamedByASavedCheckpoint(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false, demo: true) { app in
            try await TrustFixtures.initialize(app)
            let service = app.licna.auditCheckpoints
            let saved = try await service.write(on: app.db)
            let text = saved.text
            #expect(text.hasPrefix("licna-audit-checkpoint/v1\norigin http://127.0.0.1:8080\nsequence \(saved.sequence)\n"))
            let parsed = try AuditCheckpoint(text: text)
            #expect(parsed == saved && parsed.text == text)
            #expect(try await service.latest(on: app.db) == text)
            // More entries later: the chain still extends the checkpoint.
            _ = try await app.licna.registry(on: app.db).find(.name("Jovana"), context: .test)
            #expect(try await service.check(parsed, on: app.db) == nil)

            // The attack: rewrite from an entry the checkpoint covers. The chain alone looks whole …
            try await Self.rewrite(from: saved.sequence - 1, on: app.db)
            let verification = try await app.licna.audit.verify(on: app.db)
            #expect(verification.firstBreak == nil)
            // … the checkpoint does not.
            guard case .rewritten = try await service.check(parsed, on: app.db) else {
                Issue.record("the rewritten chain passed the checkpoint")
                return
            }
            // A checkpoint whose body was edited to match the forgery is not signed.
            var forged = parsed
            forged.headHash = try #require(try await AuditEntryModel.find(parsed.sequence, on: app.db)?.hash)
            guard case .badSignature = try await service.check(forged, on: app.db) else {
                Issue.record("an edited checkpoint was accepted")
                return
            }
            // Entries deleted down below the checkpoint, head moved back: named as truncated.
            try await AuditEntryModel.query(on: app.db).filter(\.$id >= parsed.sequence - 2).delete()
            try await app.db.sql.update(AuditHeadModel.schema).set("sequence", to: SQLBind(parsed.sequence - 3)).where("id", .equal, 1).run()
            #expect(try await service.check(parsed, on: app.db) == .truncated(have: parsed.sequence - 3))
        }
    }

    @Test(arguments: ["", "licna-audit-checkpoint/v1\n", "licna-audit-checkpoint/v1\norigin x\nsequence ١٢\nhead \(String(repeating: "a", count: 64))\ntime 2026-01-01T00:00:00.000Z\n\ntimestamp AA==\n",
                      "licna-audit-checkpoint/v1\norigin x\nsequence 12\nhead \(String(repeating: "A", count: 64))\ntime 2026-01-01T00:00:00.000Z\n\ntimestamp AA==\n",
                      "licna-audit-checkpoint/v1\norigin x\nsequence 12\nhead \(String(repeating: "a", count: 64))\ntime yesterday\n\ntimestamp AA==\n",
                      String(repeating: "x", count: 100_000)])
    func malformedCheckpointsAreRefused(text: String) {
        #expect(throws: AuditCheckpoint.FormatError.self) { try AuditCheckpoint(text: text) }
    }
}
