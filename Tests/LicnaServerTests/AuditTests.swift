import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// The audit trail (ARCHITECTURE.md, "One audit trail"): appends chain, `verify` names the first entry that was
/// changed or removed, and every action and object type is one of the vocabulary's (issue 11, item 7).
@Suite struct AuditTests {
    static func events(_ count: Int) -> [AuditEvent] {
        (0..<count).map { index in
            AuditEvent(actor: "officer:ana", purpose: .officerSearch, action: .personRead, objectType: .person,
                       objectID: UUID().uuidString, detail: index == 0 ? nil : "entry \(index)")
        }
    }

    /// Five entries appended in two calls; returns them as stored.
    static func appendFive(_ app: Application) async throws -> [AuditRecord] {
        try await app.licna.audit.append(Array(events(3)), on: app.db)
        try await app.licna.audit.append(AuditEvent(actor: "system", purpose: .registryExport, action: .registryExport, objectType: .registry,
                                                    detail: "0 persons"), on: app.db)
        try await app.licna.audit.append(Array(events(1)), on: app.db)
        return try await AuditEntryModel.query(on: app.db).sort(\.$id).all().map(\.record)
    }

    @Test(arguments: TestEngine.available)
    func appendsChainAndVerify(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            try await app.licna.audit.append([], on: app.db)  // nothing to write: no entry, no head change
            #expect(try await app.licna.audit.verify(on: app.db).entries == 0)
            let records = try await Self.appendFive(app)
            #expect(records.map(\.sequence) == [1, 2, 3, 4, 5])
            #expect(records.first?.previousHash == AuditRecord.genesisHash)
            #expect(zip(records, records.dropFirst()).allSatisfy { $1.previousHash == $0.hash })
            #expect(records.allSatisfy { $0.computedHash() == $0.hash })
            #expect(records.map(\.knownAction) == [.personRead, .personRead, .personRead, .registryExport, .personRead])
            #expect(records[3].action == "registry.export" && records[3].objectType == "registry" && records[3].purpose == "registry-export")
            #expect(records[0].statedPurpose == .officerSearch && records[0].knownObjectType == .person)
            let verification = try await app.licna.audit.verify(on: app.db)
            #expect(verification.entries == 5 && verification.firstBreak == nil)
            let head = try #require(try await AuditHeadModel.find(1, on: app.db))
            #expect(head.sequence == 5 && head.hash == records[4].hash)
            // The entries naming an object, oldest first.
            let named = try await app.licna.audit.entries(touching: [try #require(records[1].objectID)], on: app.db)
            #expect(named.map(\.sequence) == [2])
        }
    }

    /// Appends in a transaction of their own (an officer's read) go, on SQLite, straight to the file in one job
    /// (`SQLiteAuditAppender`); run at once with appends in the driver's transactions, the chain stays one line.
    @Test(arguments: TestEngine.available)
    func appendsOfReadsChainWithTheRestWhateverThePath(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            let audit = app.licna.audit
            #expect((audit.sqliteAppender != nil) == (engine == .sqlite))
            if let appender = audit.sqliteAppender {
                // The direct path itself works (appendAlone would hide its failure behind the driver's path).
                try await appender.append(Self.events(2), clock: app.licna.configuration.clock)
                #expect(try await audit.verify(on: app.db).entries == 2)
                try await AuditEntryModel.query(on: app.db).delete()
                try await AuditHeadModel.query(on: app.db).set(\.$sequence, to: 0).set(\.$hash, to: AuditRecord.genesisHash).update()
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        if index % 4 == 0 {
                            try await app.db.retryingTransaction { try await audit.append(Self.events(2), on: $0) }
                        } else {
                            try await audit.appendAlone(Self.events(2), on: app.db)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let records = try await AuditEntryModel.query(on: app.db).sort(\.$id).all().map(\.record)
            #expect(records.map(\.sequence) == Array(1...80))
            #expect(zip(records, records.dropFirst()).allSatisfy { $1.previousHash == $0.hash })
            let verification = try await audit.verify(on: app.db)
            #expect(verification.entries == 80 && verification.firstBreak == nil)
            // The detail of the second event of each call survives the direct path (text and null binds).
            #expect(records.filter { $0.detail == nil }.count == 40 && records.filter { $0.detail == "entry 1" }.count == 40)
        }
    }

    /// Without its head row the trail cannot be appended to: the read's append fails and writes no entry.
    @Test(arguments: TestEngine.available)
    func aReadsAppendWithoutTheHeadWritesNothing(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            try await app.licna.audit.appendAlone(Self.events(1), on: app.db)
            try await AuditHeadModel.query(on: app.db).delete()
            await #expect(throws: AuditLogError.headMissing) { try await app.licna.audit.appendAlone(Self.events(2), on: app.db) }
            #expect(try await AuditEntryModel.query(on: app.db).count() == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func aChangedEntryIsNamed(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            _ = try await Self.appendFive(app)
            try await app.db.sql.update(AuditEntriesTable.table).set(AuditEntriesTable.detail, to: "nothing happened")
                .where(AuditEntriesTable.id, .equal, 3).run()
            let verification = try await app.licna.audit.verify(on: app.db)
            #expect(verification.firstBreak == AuditChainVerifier.Break(sequence: 3, reason: .altered))
            #expect(verification.entries == 2)
        }
    }

    @Test(arguments: TestEngine.available)
    func aRemovedEntryIsNamed(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            _ = try await Self.appendFive(app)
            try await app.db.sql.delete(from: AuditEntriesTable.table).where(AuditEntriesTable.id, .equal, 2).run()
            #expect(try await app.licna.audit.verify(on: app.db).firstBreak == AuditChainVerifier.Break(sequence: 2, reason: .missing))
        }
    }

    @Test(arguments: TestEngine.available)
    func removingTheNewestEntriesShowsAgainstTheHead(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            _ = try await Self.appendFive(app)
            try await app.db.sql.delete(from: AuditEntriesTable.table).where(AuditEntriesTable.id, .greaterThan, 3).run()
            #expect(try await app.licna.audit.verify(on: app.db).firstBreak == AuditChainVerifier.Break(sequence: 4, reason: .missing))
        }
    }

    @Test(arguments: TestEngine.available)
    func anEntryRewrittenWithItsOwnHashBreaksTheLinkOfTheNext(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            let records = try await Self.appendFive(app)
            // The insider recomputes entry 2's hash after changing it, but not the entries after it.
            let forged = AuditRecord(after: (1, records[0].hash), time: records[1].time, actor: "nobody", purpose: records[1].purpose,
                                     action: records[1].action, objectType: records[1].objectType, objectID: records[1].objectID,
                                     detail: records[1].detail)
            try await app.db.sql.update(AuditEntriesTable.table).set(AuditEntriesTable.actor, to: forged.actor)
                .set(AuditEntriesTable.hash, to: forged.hash).where(AuditEntriesTable.id, .equal, 2).run()
            #expect(try await app.licna.audit.verify(on: app.db).firstBreak == AuditChainVerifier.Break(sequence: 3, reason: .unlinked))
        }
    }

    /// Every action the registry and the trust services store is one of `AuditAction`'s, with a known object type.
    @Test(arguments: TestEngine.available)
    func everyStoredActionIsKnown(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false, demo: true) { app in
            try await TrustFixtures.initialize(app)
            let registry = app.licna.registry(on: app.db)
            let found = try await registry.find(.name("Jovana"), revealJMBG: true, context: .test)
            let person = try #require(found.first)
            _ = try await registry.find(.personID(person.id), context: .test)
            _ = try await registry.recordDeath(personID: person.id, date: CivilDate(year: 2026, month: 1, day: 1)!, context: .test)
            _ = try await registry.export(context: .test) { _ in }
            let authority = app.licna.trust.authority(on: app.db)
            let certificate = try await TrustFixtures.issue(app)
            let serial = CertificateSerial(certificate.serialNumber)
            try await authority.change(serial: serial, .hold, context: .test)
            try await authority.change(serial: serial, .release, context: .test)
            try await authority.change(serial: serial, .revoke(.superseded, invalidityDate: nil), context: .test)
            let records = try await AuditEntryModel.query(on: app.db).sort(\.$id).all().map(\.record)
            let unknown = records.filter { $0.knownAction == nil || $0.knownObjectType == nil }
            #expect(unknown.isEmpty, "actions outside the vocabulary: \(unknown.map { "\($0.action) \($0.objectType)" })")
            let actions = Set(records.compactMap(\.knownAction))
            #expect(actions.isSuperset(of: [.caInit, .personCreate, .registrySearch, .personRead, .personJMBGRevealed, .personDeathRecorded,
                                             .registryExport, .caIssue, .caHold, .caRelease, .caRevokeSuperseded]))
            #expect(records.filter { $0.action.hasPrefix("ca.") && $0.knownAction != .caInit }.allSatisfy { $0.purpose == "testing" })
            #expect(try await app.licna.audit.verify(on: app.db).firstBreak == nil)
        }
    }

    /// The stored strings never change: entries written before the vocabulary existed read as the same cases.
    @Test func theVocabularyKeepsTheStoredStrings() {
        #expect(AuditAction.allCases.map(\.rawValue) == [
            "person.create", "person.read", "person.jmbg-revealed", "person.death-recorded", "registry.search", "registry.export",
            "registry.import-started", "registry.import-committed", "registry.import-rolled-back",
            "ca.init", "ca.issue", "ca.hold", "ca.release", "ca.revoke.unspecified", "ca.revoke.keyCompromise", "ca.revoke.cACompromise",
            "ca.revoke.affiliationChanged", "ca.revoke.superseded", "ca.revoke.cessationOfOperation", "ca.revoke.privilegeWithdrawn",
            "ca.revoke.aACompromise", "ca.renew-responder", "ca.sign-security-object", "ca.virtual-card", "documents.seal",
            "cards.policy-set", "card.apply", "card.approve", "card.personalize", "card.deliver", "card.activate",
            "card.activation-refused", "card.suspend", "card.suspension-refused", "card.resume", "card.blocked-reported", "card.revoke",
            "card.replace", "card.activation-window-expired", "card.biometrics-deleted", "card.renew", "card.renewal-refused", "ca.rollover",
            "account.create", "client.register", "account.sign-in", "account.authenticator", "account.link", "account.consent-withdraw",
            "account.email-verified", "account.password-reset", "account.roles", "officer.token-create", "officer.token-revoke",
            "client.update", "client.secret", "account.merge", "signon.key-rotate", "document.issue", "document.revoke", "person.parent-link",
            "mandate.grant", "mandate.revoke",
        ])
        // Revocations are named after RFC 5280's reason, as `ca revoke --reason` takes it.
        for reason in RevocationReason.revocationReasons {
            #expect(AuditAction.revoke(reason)?.rawValue == "ca.revoke." + reason.name)
        }
        #expect(AuditAction.revoke(.certificateHold) == nil && AuditAction.revoke(.removeFromCRL) == nil)
        #expect(AuditObjectType.allCases.map(\.rawValue)
                == ["person", "registry", "import", "certificate", "certificate-authority", "document-signer", "document", "card", "card-application",
                   "setting", "account", "client", "signing-key", "mandate"])
        let purposes = AuditPurpose.named.map(\.rawValue)
        #expect(Set(purposes).count == purposes.count)
        #expect(AuditPurpose(rawValue: "birth-registration") == .birthRegistration)
        #expect(AuditPurpose.stated("checking a complaint").rawValue == "checking a complaint")
        // A newer version's action still reads, as text, without a case.
        let record = AuditRecord(after: nil, time: Date(timeIntervalSince1970: 0), actor: "system", purpose: "p", action: "card.future",
                                 objectType: "card", objectID: nil)
        #expect(record.knownAction == nil && record.knownObjectType == .card)
    }
}
