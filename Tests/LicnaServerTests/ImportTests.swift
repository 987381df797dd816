import Fluent
import Foundation
import LicnaBasics
import LicnaCore
@testable import LicnaServer
import Testing
import VaporTesting

@Suite struct ImportTests {
    /// Writes a registry CSV of `count` valid rows; `bad` maps row numbers (1-based, after the header) to a broken JMBG.
    static func writeCSV(count: Int, bad: [Int: String] = [:], extra: [[String]] = []) throws -> (URL, [JMBG]) {
        let numbers = try jmbgs(count: count)
        var text = CSVWriter.line(RegistryCSV.header)
        for (index, jmbg) in numbers.enumerated() {
            let record = PersonRecord(jmbg: jmbg, givenName: "Ime\(index)", surname: "Prezime, \"\(index)\"", givenNameCyrillic: "Име",
                                      surnameCyrillic: "Презиме", birthDate: jmbg.birthDate, birthPlace: "Bar", sex: jmbg.sex,
                                      address: "Obala \(index)", municipality: "Bar")
            var fields = RegistryCSV.fields(of: record)
            if let broken = bad[index + 1] { fields[0] = broken }
            text += CSVWriter.line(fields)
        }
        for fields in extra { text += CSVWriter.line(fields) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return (url, numbers)
    }

    /// Rows 100, 5000 and 9999 (file lines 101, 5001, 10000) broken: a wrong check digit, a future date, an
    /// unassigned region.
    static let threeBadRows = [100: "0101980210001", 5_000: "0101030210003", 9_999: "0101980650003"]

    @Test(arguments: TestEngine.available)
    func badRowsImportNothingAndAreNamed(engine: TestEngine) async throws {
        let (url, _) = try Self.writeCSV(count: 10_000, bad: Self.threeBadRows)
        let installation = try await TestInstallation.make(engine)
        try await installation.withApp(http: false) { app in
            let importer = RegistryImporter(registry: app.licna.registry(on: app.db))
            let report = try await importer.importFile(at: url.path, skipInvalid: false, context: .test)
            #expect(report.refused)
            // Lines count the header as line 1.
            #expect(report.rejected.map(\.line) == [101, 5_001, 10_000])
            #expect(report.rejected.map(\.reason) == ["jmbg-check-digit", "jmbg-future-date", "jmbg-region"])
            #expect(try await PersonModel.query(on: app.db).count() == 0)
            #expect(try await RegistryImportModel.query(on: app.db).count() == 0)
        }
    }

    @Test(arguments: TestEngine.available)
    func skipInvalidImportsTheRestAndNeverDuplicates(engine: TestEngine) async throws {
        let (url, numbers) = try Self.writeCSV(count: 10_000, bad: Self.threeBadRows)
        let installation = try await TestInstallation.make(engine)
        try await installation.withApp(http: false) { app in
            let importer = RegistryImporter(registry: app.licna.registry(on: app.db))
            var rejectedRows: [[String]] = []
            let report = try await importer.importFile(at: url.path, skipInvalid: true, context: .test, rejected: { fields, error in
                let row: [String] = [String(error.line), error.reason] + fields
                rejectedRows.append(row)
            })
            #expect(report.imported == 9_997)
            #expect(rejectedRows.map { $0[0] } == ["101", "5001", "10000"])
            #expect(try await PersonModel.query(on: app.db).count() == 9_997)
            let distinctNumbers = Set(try await PersonModel.query(on: app.db).all(\.$identificationNumber))
            #expect(distinctNumbers.count == 9_997)
            // The same file again: every good row is already registered, nothing is duplicated.
            let again = try await importer.importFile(at: url.path, skipInvalid: true, context: .test)
            #expect(again.imported == 0)
            #expect(again.alreadyRegistered.count == 9_997)
            #expect(try await PersonModel.query(on: app.db).count() == 9_997)
            // A record survives the round trip through CSV quoting.
            let found = try await app.licna.registry(on: app.db).find(.jmbg(numbers[0]), revealJMBG: true, context: .test)
            #expect(found.first?.surname == "Prezime, \"0\"")
            #expect(found.first?.jmbg == numbers[0].digits)
        }
    }

    @Test func duplicateWithinFileAndMismatchesAreRejected() async throws {
        let numbers = try jmbgs(count: 2)
        let today = CivilDate(year: 2026, month: 11, day: 29)!
        var wrongSex = RegistryCSV.fields(of: try person(numbers[0].digits, today: today))
        wrongSex[8] = numbers[0].sex == .male ? "F" : "M"
        let (url, _) = try Self.writeCSV(count: 2, extra: [RegistryCSV.fields(of: try person(numbers[1].digits, today: today)), wrongSex])
        let installation = try await TestInstallation.make(.sqlite)
        try await installation.withApp(http: false) { app in
            let report = try await RegistryImporter(registry: app.licna.registry(on: app.db)).importFile(at: url.path, skipInvalid: false, context: .test)
            #expect(report.rejected.map(\.line) == [4, 5])
            #expect(report.rejected.map(\.reason) == ["duplicate-in-file", "sex-mismatch"])
            #expect(report.refused)
        }
    }

    @Test func interruptedImportIsUndoneAtStart() async throws {
        let (url, _) = try Self.writeCSV(count: 50)
        let installation = try await TestInstallation.make(.sqlite)
        try await installation.withApp(http: false) { app in
            _ = try await RegistryImporter(registry: app.licna.registry(on: app.db)).importFile(at: url.path, skipInvalid: false, context: .test)
            // Simulate a process that died during the second pass.
            let model = try await RegistryImportModel.query(on: app.db).first()!
            model.state = "running"
            try await model.save(on: app.db)
        }
        try await installation.withApp(http: false) { app in
            let persons = try await PersonModel.query(on: app.db).count()
            let state = try await RegistryImportModel.query(on: app.db).first()?.state
            let verification = try await app.licna.audit.verify(on: app.db)
            #expect(persons == 0)
            #expect(state == "rolled-back")
            #expect(verification.firstBreak == nil)
        }
    }

    @Test func importedJMBGsAreNotInTheDatabaseFile() async throws {
        let (url, numbers) = try Self.writeCSV(count: 500)
        let installation = try await TestInstallation.make(.sqlite)
        try await installation.withApp(http: false) { app in
            _ = try await RegistryImporter(registry: app.licna.registry(on: app.db)).importFile(at: url.path, skipInvalid: false, context: .test)
        }
        var bytes = Data()
        for suffix in ["", "-wal", "-shm"] {
            bytes += (try? Data(contentsOf: URL(fileURLWithPath: installation.storage.sqliteFile! + suffix))) ?? Data()
        }
        #expect(bytes.count > 10_000)
        for jmbg in numbers {
            #expect(bytes.range(of: Data(jmbg.digits.utf8)) == nil)
        }
    }
}
