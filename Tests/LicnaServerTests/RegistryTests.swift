import Fluent
import Foundation
import LicnaBasics
import LicnaCore
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

@Suite struct RegistryTests {
    @Test(arguments: TestEngine.available)
    func registerBirthAllocatesNextFreeNumbers(engine: TestEngine) async throws {
        let installation = try await TestInstallation.make(engine)
        try await installation.withApp(http: false) { app in
            let registry = app.licna.registry(on: app.db)
            let birth = BirthRegistration(givenName: "Luka", surname: "Vujović", birthDate: CivilDate(year: 2026, month: 11, day: 1)!,
                                          birthPlace: "Podgorica", sex: .male, regionCode: 21, address: "Ulica 2", municipality: "Podgorica")
            let first = try await registry.registerBirth(birth, context: .test)
            let second = try await registry.registerBirth(birth, context: .test)
            var girl = birth
            girl.sex = .female
            let third = try await registry.registerBirth(girl, context: .test)
            let candidates = try JMBGAllocator().candidates(birthDate: birth.birthDate, regionCode: 21, sex: .male)
            #expect(first.jmbg == candidates[0])
            #expect(second.jmbg == candidates[1])
            #expect(third.jmbg.serial >= 500 && third.jmbg.sex == .female)
            #expect(first.person.identificationNumber != second.person.identificationNumber)
            _ = try IdentificationNumber(first.person.identificationNumber)
            #expect(try await LifeEventModel.query(on: app.db).filter(\.$kind == "birth-registered").count() == 3)
            // The stored row holds no plain JMBG.
            let stored = try await PersonModel.find(first.person.id.rawValue, on: app.db)!
            #expect(!String(decoding: stored.jmbgSealed, as: UTF8.self).contains(first.jmbg.digits))
            #expect(stored.jmbgIndex.range(of: Data(first.jmbg.digits.utf8)) == nil)
        }
    }

    /// The free serial is looked for 16 candidates at a time: past the first 16 the next ones are given, in order, and
    /// a serial taken meanwhile (here: by an import, out of order) is skipped.
    @Test func registrationsPastTheFirstSixteenSerialsTakeTheNextInOrder() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            let registry = app.licna.registry(on: app.db)
            let birth = BirthRegistration(givenName: "Ana", surname: "Radović", birthDate: CivilDate(year: 2001, month: 3, day: 7)!,
                                          birthPlace: "Bar", sex: .female, regionCode: 27, address: "Obala 1", municipality: "Bar")
            let candidates = try JMBGAllocator().candidates(birthDate: birth.birthDate, regionCode: 27, sex: .female)
            var given: [JMBG] = []
            for _ in 0..<20 { given.append(try await registry.registerBirth(birth, context: .test).jmbg) }
            #expect(given == Array(candidates[0..<20]))
        }
    }

    @Test(arguments: TestEngine.available)
    func findByEveryCriterionAndAuditReads(engine: TestEngine) async throws {
        let installation = try await TestInstallation.make(engine)
        try await installation.withApp(http: false, demo: true) { app in
            let registry = app.licna.registry(on: app.db)
            #expect(try await PersonModel.query(on: app.db).count() == 12)
            let byName = try await registry.find(.name("ђукановић"), context: .test)
            #expect(byName.map(\.surname) == ["Đukanović"])
            #expect(byName[0].jmbg == nil)
            let byNumber = try await registry.find(.identificationNumber(try IdentificationNumber(byName[0].identificationNumber)), context: .test)
            #expect(byNumber.map(\.id) == byName.map(\.id))
            let revealed = try await registry.find(.personID(byName[0].id), revealJMBG: true, context: .test)
            let jmbg = try JMBG(revealed[0].jmbg!, today: CivilDate(year: 2026, month: 11, day: 29)!)
            #expect(jmbg.birthDate == CivilDate(year: 1995, month: 1, day: 27))
            let byJMBG = try await registry.find(.jmbg(jmbg), context: .test)
            #expect(byJMBG.map(\.id) == byName.map(\.id))
            let older = try await registry.find(.bornBefore(CivilDate(year: 1960, month: 1, day: 1)!), context: .test)
            #expect(older.map(\.givenName) == ["Vesna"])
            // Every person returned was a read, and the reveal is recorded as such.
            let entries = try await app.licna.audit.entries(touching: [byName[0].id.uuidString], on: app.db)
            #expect(entries.filter { $0.action == "person.read" }.count == 3)
            #expect(entries.filter { $0.action == "person.jmbg-revealed" }.count == 1)
            #expect(entries.filter { $0.action != "person.create" }.allSatisfy { $0.actor == "test" && $0.purpose == "testing" })
            // Demo seeding is idempotent.
            #expect(try await DemoCitizens.seed(registry) == 0)
        }
    }

    @Test(arguments: TestEngine.available)
    func recordDeathIsALifeEvent(engine: TestEngine) async throws {
        let installation = try await TestInstallation.make(engine)
        try await installation.withApp(http: false, demo: true) { app in
            let registry = app.licna.registry(on: app.db)
            let vesna = try await registry.find(.name("Vesna"), context: .test)[0]
            let dead = try await registry.recordDeath(personID: vesna.id, date: CivilDate(year: 2025, month: 3, day: 1)!, context: .test)
            #expect(dead.status == "deceased" && dead.deathDate == "2025-03-01")
            await #expect(throws: RegistryError.self) {
                _ = try await registry.recordDeath(personID: vesna.id, date: CivilDate(year: 2025, month: 3, day: 1)!, context: .test)
            }
            let events = try await LifeEventModel.query(on: app.db).filter(\.$kind == "death-recorded").all()
            #expect(events.map(\.personID) == [vesna.id.rawValue])
            let luka = try await registry.find(.name("Luka"), context: .test)[0]
            await #expect(throws: RegistryError.self) {
                _ = try await registry.recordDeath(personID: luka.id, date: CivilDate(year: 2000, month: 1, day: 1)!, context: .test)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func concurrentAllocationNeverRepeatsANumber(engine: TestEngine) async throws {
        let installation = try await TestInstallation.make(engine)
        try await installation.withApp(http: false) { app in
            let pool = app.licna.pool
            let database = app.db
            // 16 concurrent transactions of 25: enough to contend, few enough that none waits past the connection
            // pool's timeout on a loaded CI machine (40 of 10 timed out there with SQLite, which serializes writers).
            let numbers = try await withThrowingTaskGroup(of: [IdentificationNumber].self) { group in
                for _ in 0..<16 {
                    group.addTask { try await database.transaction { try await pool.allocate(25, on: $0) } }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(numbers.count == 400)
            #expect(Set(numbers).count == 400)
            // The pool (reserve 200) was refilled on the way, and the issued ones stay issued.
            let issued = try await IdentificationNumberModel.query(on: app.db).filter(\.$issuedAt != nil).count()
            #expect(issued == 400)
        }
    }

    @Test(arguments: TestEngine.available)
    func wrongMasterKeyIsRefused(engine: TestEngine) async throws {
        let installation = try await TestInstallation.make(engine)
        try await installation.withApp(http: false) { _ in }
        let other = TestInstallation(storage: installation.storage, directory: installation.directory, key: .generate())
        await #expect(throws: MasterKeyError.wrong) {
            try await other.withApp(http: false) { _ in }
        }
    }
}
