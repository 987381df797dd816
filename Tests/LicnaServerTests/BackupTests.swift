import Fluent
import Foundation
import LicnaBasics
import LicnaCore
@testable import LicnaServer
import Testing
import VaporTesting

/// Collects backup lines in memory.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var data: [Data] = []
    private var index = 0
    func append(_ chunk: Data) {
        lock.lock(); defer { lock.unlock() }
        for line in chunk.split(separator: 10) { data.append(Data(line)) }
    }
    func next() -> Data? {
        lock.lock(); defer { lock.unlock() }
        guard index < data.count else { return nil }
        defer { index += 1 }
        return data[index]
    }
    var count: Int { data.count }
    func dropLast() { data.removeLast() }

    /// The lines from the start, as `BackupService.restore` reads a file: each call starts over.
    func reader() -> (@Sendable () -> Data?) {
        let copy = Lines()
        lock.lock()
        copy.data = data
        lock.unlock()
        return copy.next
    }

    /// The lines as text, for tests that forge a backup.
    var texts: [String] {
        get { lock.lock(); defer { lock.unlock() }; return data.map { String(decoding: $0, as: UTF8.self) } }
        set { lock.lock(); defer { lock.unlock() }; data = newValue.map { Data($0.utf8) } }
    }
}

@Suite struct BackupTests {
    @Test(arguments: TestEngine.available)
    func roundTrip(engine: TestEngine) async throws {
        let source = try await TestInstallation.make(engine)
        let lines = Lines()
        let (before, audit) = try await source.withAppResult(http: false, demo: true, { app in
            _ = try await app.licna.registry(on: app.db).find(.name("Jovana"), context: .test)
            let rows = try await BackupService(database: app.db, masterKey: source.key, clock: app.licna.configuration.clock).backup { lines.append($0) }
            #expect(rows > 12)
            let persons = try await PersonModel.query(on: app.db).sort(\.$identificationNumber).all().map { try PersonView($0, jmbg: $0.record(protector: app.licna.protector).jmbg) }
            return (persons, try await app.licna.audit.verify(on: app.db).entries)
        })
        // Restore into a new installation with the same key.
        let target = try await TestInstallation.make(engine)
        let restoredInstallation = TestInstallation(storage: target.storage, directory: target.directory, key: source.key)
        try await restoredInstallation.withApp(http: false) { app in
            _ = try await BackupService(database: app.db, masterKey: source.key, clock: app.licna.configuration.clock).restore(lines.reader)
            let after = try await PersonModel.query(on: app.db).sort(\.$identificationNumber).all().map { try PersonView($0, jmbg: $0.record(protector: app.licna.protector).jmbg) }
            #expect(after == before)
            let verification = try await app.licna.audit.verify(on: app.db)
            #expect(verification.firstBreak == nil && verification.entries == audit)
            // The restored installation keeps working: a new birth gets a fresh number.
            let birth = BirthRegistration(givenName: "Novi", surname: "Život", birthDate: CivilDate(year: 2026, month: 11, day: 3)!, birthPlace: "Bar",
                                          sex: .male, regionCode: 22, address: "Obala 1", municipality: "Bar")
            let registered = try await app.licna.registry(on: app.db).registerBirth(birth, context: .test)
            #expect(!before.map(\.identificationNumber).contains(registered.person.identificationNumber))
        }
    }

    @Test func restoreRefusesAnotherKeyATruncatedFileAndANonEmptyTarget() async throws {
        let source = try await TestInstallation.make(.sqlite)
        let lines = Lines()
        try await source.withApp(http: false, demo: true) { app in
            _ = try await BackupService(database: app.db, masterKey: source.key, clock: app.licna.configuration.clock).backup { lines.append($0) }
        }
        let other = try await TestInstallation.make(.sqlite)
        try await other.withApp(http: false) { app in
            await #expect(throws: BackupService.Failure.self) {
                _ = try await BackupService(database: app.db, masterKey: other.key, clock: app.licna.configuration.clock).restore(lines.reader)
            }
        }
        let truncated = Lines()
        try await source.withApp(http: false) { app in
            _ = try await BackupService(database: app.db, masterKey: source.key, clock: app.licna.configuration.clock).backup { truncated.append($0) }
            truncated.dropLast()
        }
        let empty = try await TestInstallation.make(.sqlite)
        try await TestInstallation(storage: empty.storage, directory: empty.directory, key: source.key).withApp(http: false) { app in
            do {
                _ = try await BackupService(database: app.db, masterKey: source.key, clock: app.licna.configuration.clock).restore(truncated.reader)
                Issue.record("a truncated backup was restored")
            } catch let failure as BackupService.Failure {
                #expect(failure.messageKey == "error.restore.truncated")
            }
            // Nothing of it stayed.
            #expect(try await PersonModel.query(on: app.db).count() == 0)
        }
        try await source.withApp(http: false) { app in
            let again = Lines()
            _ = try await BackupService(database: app.db, masterKey: source.key, clock: app.licna.configuration.clock).backup { again.append($0) }
            do {
                _ = try await BackupService(database: app.db, masterKey: source.key, clock: app.licna.configuration.clock).restore(again.reader)
                Issue.record("restored over existing data")
            } catch let failure as BackupService.Failure {
                #expect(failure.messageKey == "error.restore.not-empty")
            }
        }
    }
}
