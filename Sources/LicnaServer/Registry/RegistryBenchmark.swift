import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import SQLKit
#if canImport(Glibc)
import Glibc
#endif

/// Timings for `licna bench`: the registry's lookups and birth registrations, measured in process.
public struct RegistryBenchmark: Sendable {
    let services: LicnaServices
    let database: any Database

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Times, in seconds, of: the audited `find` officers use (lookup, audit append and durable commit: the
    /// figure), and what it is made of — the indexed lookup alone by JMBG (blind index) and by identification
    /// number, the audit append of a read alone (as `find` makes it, and through the driver: the statements, and the
    /// commit with its fsync), and a round trip of `SELECT 1`.
    public func measure(_ pairs: [(JMBG, IdentificationNumber)]) async throws -> [(String, [Double])] {
        var byJMBG: [Double] = [], byNumber: [Double] = [], audited: [Double] = [], roundTrip: [Double] = []
        var appendWork: [Double] = [], appendCommit: [Double] = [], appendAlone: [Double] = []
        let registry = services.registry(on: database)
        let context = AuditContext(actor: "benchmark", purpose: .benchmark)
        let sql = database.sql
        for (jmbg, number) in pairs {
            var start = ContinuousClock.now
            _ = try await sql.raw("SELECT 1 AS one").all()
            roundTrip.append(Self.seconds(since: start))
            start = ContinuousClock.now
            let a = try await registry.matching(.jmbg(jmbg), limit: 1)
            byJMBG.append(Self.seconds(since: start))
            start = ContinuousClock.now
            let b = try await registry.matching(.identificationNumber(number), limit: 1)
            byNumber.append(Self.seconds(since: start))
            guard a.count == 1, b.count == 1, let id = b.first?.0.id else { throw BenchmarkFailure("a sample person was not found") }
            start = ContinuousClock.now
            let found = try await registry.find(.identificationNumber(number), context: context)
            audited.append(Self.seconds(since: start))
            guard found.count == 1 else { throw BenchmarkFailure("the audited find did not return the sample person") }
            // The same audit entries as a find writes, in a transaction of their own: the statements, then the commit.
            let events = [context.event(.registrySearch, .registry, nil, detail: "by identificationNumber, 1 found"),
                          context.event(.personRead, .person, id.uuidString)]
            start = ContinuousClock.now
            let work = try await database.retryingTransaction { db in
                let inner = ContinuousClock.now
                try await services.audit.append(events, on: db)
                return Self.seconds(since: inner)
            }
            appendWork.append(work)
            appendCommit.append(Self.seconds(since: start) - work)
            // The same entries the way find appends them (on SQLite, one job on the file).
            start = ContinuousClock.now
            try await services.audit.appendAlone(events, on: database)
            appendAlone.append(Self.seconds(since: start))
        }
        return [("audited find by identification number (lookup + audit append + durable commit)", audited),
                ("  lookup by identification number alone (unaudited)", byNumber),
                ("  lookup by JMBG alone (blind index, unaudited)", byJMBG),
                ("  audit append of a read as find makes it (durable; on SQLite one job on the file)", appendAlone),
                ("  audit append of a read through the driver: statements in the transaction", appendWork),
                ("  audit append of a read through the driver: BEGIN and COMMIT with its fsync", appendCommit),
                ("  baseline: round trip of SELECT 1 through the same path", roundTrip)]
    }

    /// Times of whole birth registrations (the person with a JMBG and an identification number from the pool, the
    /// life event and the audit entry, in one durable transaction), and of the pool's allocation statement inside
    /// a transaction of its own, for context.
    public func measureRegistration(samples: Int) async throws -> [(String, [Double])] {
        try await services.pool.ensureReserve(on: database)
        var statement: [Double] = [], registration: [Double] = []
        let registry = services.registry(on: database)
        let context = AuditContext(actor: "benchmark", purpose: .stated("benchmark"))
        var random = SystemRandomNumberGenerator()
        for index in 0..<samples {
            guard let date = CivilDate(year: Int.random(in: 1940...2020, using: &random), month: Int.random(in: 1...12, using: &random),
                                       day: Int.random(in: 1...28, using: &random)) else { throw BenchmarkFailure("no birth date") }
            let birth = BirthRegistration(givenName: "Bench\(index)", surname: "Registrović", birthDate: date, birthPlace: "Podgorica",
                                          sex: index % 2 == 0 ? .male : .female, regionCode: 21 + index % 9, address: "Bulevar \(index)",
                                          municipality: "Podgorica")
            var start = ContinuousClock.now
            _ = try await registry.registerBirth(birth, context: context)
            registration.append(Self.seconds(since: start))
            start = ContinuousClock.now
            statement.append(try await database.retryingTransaction { db in
                let inner = ContinuousClock.now
                _ = try await services.pool.allocate(1, on: db)
                return Self.seconds(since: inner)
            })
        }
        return [("birth registration (JMBG, identification number from the pool, person, life event, audit entry, durable commit)", registration),
                ("  allocating one identification number from the pool (the statement, inside a transaction)", statement)]
    }

    /// Times of writing 4 KiB to a file in `folder` and `fsync`ing it: what one durable commit costs at least on
    /// the disk the installation is on.
    public static func fsyncTimes(in folder: String, samples: Int) throws -> [Double] {
        let path = (folder as NSString).appendingPathComponent("licna-bench-fsync-\(UUID().uuidString)")
        let descriptor = open(path, O_CREAT | O_WRONLY, 0o600)
        guard descriptor >= 0 else { throw BenchmarkFailure("cannot create \(path)") }
        defer {
            close(descriptor)
            unlink(path)
        }
        let page = [UInt8](repeating: 0x5A, count: 4_096)
        var times: [Double] = []
        for index in 0..<samples {
            let start = ContinuousClock.now
            let written = page.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t((index % 64) * 4_096)) }
            guard written == page.count, fsync(descriptor) == 0 else { throw BenchmarkFailure("write or fsync failed in \(folder)") }
            times.append(Self.seconds(since: start))
        }
        return times
    }
}

/// A benchmark that could not measure what it was meant to (the run gives no figure).
public struct BenchmarkFailure: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension LicnaServices {
    public func lookupBenchmark(on database: any Database) -> RegistryBenchmark {
        RegistryBenchmark(services: self, database: database)
    }
}
