import Fluent
import Foundation
import LicnaBasics
import LicnaCore
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// The storage engines the registry and audit tests run on: SQLite always; PostgreSQL when the test command
/// started one and set `LICNA_TEST_POSTGRES_URL` (CI must set it: see `postgresIsAvailableInCI`).
enum TestEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var available: [TestEngine] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["LICNA_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var testDescription: String { rawValue }
}

/// A throwaway installation: a temporary SQLite folder, or a fresh PostgreSQL database.
struct TestInstallation {
    /// The officers' admin token of test installations: 64 hex digits, as `openssl rand -hex 32` makes.
    static let adminToken = "3c1d9f0e6a7b2c4d5e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6"

    let storage: StorageLocation
    let directory: URL
    let key: MasterKey

    static func make(_ engine: TestEngine) async throws -> TestInstallation {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("licna-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        switch engine {
        case .sqlite:
            return TestInstallation(storage: .sqlite(directory: directory.path), directory: directory, key: .generate())
        case .postgres:
            let adminURL = TestEngine.postgresURL!
            let name = "licna_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let admin = try await Application.make(.testing)
            admin.databases.use(try .postgres(url: adminURL), as: .psql)
            do {
                _ = try await admin.db.sql.raw("CREATE DATABASE \(unsafeRaw: String(name))").all()
            } catch {
                try? await admin.asyncShutdown()
                throw error
            }
            try await admin.asyncShutdown()
            var components = URLComponents(string: adminURL)!
            components.path = "/" + name
            return TestInstallation(storage: .postgres(url: components.string!), directory: directory, key: .generate())
        }
    }

    func configuration(clock: any WallClock = SystemWallClock(), adminToken: String? = TestInstallation.adminToken, poolReserve: Int = 200,
                       trust: TrustConfiguration = TrustConfiguration()) -> LicnaConfiguration {
        var configuration = LicnaConfiguration(storage: storage, masterKey: key, adminToken: adminToken, poolReserve: poolReserve, clock: clock,
                                               trust: trust)
        // scrypt at 2^12 instead of OWASP's 2^17: the same code, a fraction of the time (the interop tests use the default).
        configuration.passwordCost = PasswordHash.Cost(logN: 12, r: 8, p: 1)
        return configuration
    }

    /// Runs `body` with a configured application, and shuts it down. (A separate non-generic overload lets the
    /// compiler see that closures ending in `#expect(try …)` throw.)
    func withApp(clock: any WallClock = SystemWallClock(), http: Bool = true, demo: Bool = false,
                 trust: TrustConfiguration = TrustConfiguration(), _ body: (Application) async throws -> Void) async throws {
        let _: Void = try await withAppResult(clock: clock, http: http, demo: demo, trust: trust, body)
    }

    func withAppResult<T>(clock: any WallClock = SystemWallClock(), http: Bool = true, demo: Bool = false,
                          trust: TrustConfiguration = TrustConfiguration(), _ body: (Application) async throws -> T) async throws -> T {
        guard case .postgres = storage, !PostgresTestSlots.holding else {
            return try await runApp(clock: clock, http: http, demo: demo, trust: trust, body)
        }
        // A PostgreSQL server allows 100 connections by default and each application may open eight: the suites
        // take turns in a few slots (a full run once met "remaining connection slots are reserved").
        await PostgresTestSlots.shared.acquire()
        do {
            let result = try await PostgresTestSlots.$holding.withValue(true) { try await runApp(clock: clock, http: http, demo: demo, trust: trust, body) }
            await PostgresTestSlots.shared.release()
            return result
        } catch {
            await PostgresTestSlots.shared.release()
            throw error
        }
    }

    private func runApp<T>(clock: any WallClock, http: Bool, demo: Bool, trust: TrustConfiguration, _ body: (Application) async throws -> T) async throws -> T {
        let app = try await Application.make(.testing)
        do {
            try await configureLicna(app, configuration(clock: clock, trust: trust), options: .init(http: http, demo: demo))
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}

/// An officer holding every role and a personal token for it (as an operator's `licna accounts token` makes): what
/// tests of officer APIs send, now that the admin token only names the first administrator.
func officerToken(_ app: Application, email: String = "officer@test.licna.me", roles: Set<OfficerRole> = Set(OfficerRole.allCases)) async throws -> String {
    let signOn = app.licna.signOn(on: app.db)
    if (try? await signOn.accountID(email: email)) == nil {
        _ = try await signOn.addAccount(email: email, password: nil, emailVerified: true, context: .test)
    }
    try await signOn.setRoles(email: email, roles: roles, context: .test)
    return try await signOn.issueOfficerToken(email: email, name: "tests", roles: nil, days: 1, context: .test).token
}

extension AuditContext {
    static let test = AuditContext(actor: "test", purpose: .stated("testing"))
}

func person(_ jmbg: String, given: String = "Ana", surname: String = "Perović", municipality: String = "Podgorica",
            today: CivilDate = CivilDate(year: 2026, month: 11, day: 29)!) throws -> PersonRecord {
    let number = try JMBG(jmbg, today: today)
    return PersonRecord(jmbg: number, givenName: given, surname: surname, birthDate: number.birthDate, birthPlace: municipality,
                        sex: number.sex, address: "Ulica 1", municipality: municipality)
}

/// Valid JMBGs for tests: successive serials of a date and region.
func jmbgs(count: Int, year: Int = 1980, region: Int = 21) throws -> [JMBG] {
    var result: [JMBG] = []
    var day = CivilDate(year: year, month: 1, day: 1)!
    while result.count < count {
        for sex in Sex.allCases {
            result += try JMBGAllocator().candidates(birthDate: day, regionCode: region, sex: sex)
        }
        let next = day.day < 28 ? CivilDate(year: day.year, month: day.month, day: day.day + 1)
            : (day.month < 12 ? CivilDate(year: day.year, month: day.month + 1, day: 1) : CivilDate(year: day.year + 1, month: 1, day: 1))
        day = next!
    }
    return Array(result.prefix(count))
}

// With CI=true the test command must have started PostgreSQL: a missing engine is a failure, never a skip.
@Test(.enabled(if: ProcessInfo.processInfo.environment["CI"] == "true", "only with CI=true, where scripts/test starts PostgreSQL"))
func postgresIsAvailableInCI() {
    #expect(TestEngine.postgresURL != nil, "CI=true but LICNA_TEST_POSTGRES_URL is not set: the PostgreSQL suites did not run")
}

/// Slots for applications on the test PostgreSQL server, so that parallel suites stay under its connection limit.
/// A task already holding one (an application opened inside another) does not take a second.
actor PostgresTestSlots {
    static let shared = PostgresTestSlots(slots: 6)
    @TaskLocal static var holding = false

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) { free = slots }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
