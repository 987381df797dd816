import Fluent
import Foundation
import LicnaCore
import SQLKit

/// Timings for `licna bench`: the registry's lookups and the pool's allocation, measured in process.
public struct RegistryBenchmark: Sendable {
    let services: LicnaServices
    let database: any Database

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Times, in seconds, of: the indexed lookup by JMBG (blind index) and by identification number, and the
    /// whole audited `find` (lookup plus audit append and commit).
    public func measure(_ pairs: [(JMBG, IdentificationNumber)]) async throws -> [(String, [Double])] {
        var byJMBG: [Double] = [], byNumber: [Double] = [], audited: [Double] = [], roundTrip: [Double] = []
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
            precondition(a.count == 1 && b.count == 1, "sample person not found")
            start = ContinuousClock.now
            _ = try await registry.find(.identificationNumber(number), context: context)
            audited.append(Self.seconds(since: start))
        }
        return [("lookup by JMBG (blind index)", byJMBG), ("lookup by identification number", byNumber),
                ("audited find by identification number (lookup + audit append + commit)", audited),
                ("baseline: round trip of SELECT 1 through the same path", roundTrip)]
    }

    /// Times of allocating one number inside a transaction (the statement alone) and of the transaction with it.
    public func measureAllocation(samples: Int) async throws -> [(String, [Double])] {
        try await services.pool.ensureReserve(on: database)
        var statement: [Double] = [], transaction: [Double] = []
        for _ in 0..<samples {
            let outer = ContinuousClock.now
            let inner = try await database.transaction { db in
                let start = ContinuousClock.now
                _ = try await services.pool.allocate(1, on: db)
                return Self.seconds(since: start)
            }
            statement.append(inner)
            transaction.append(Self.seconds(since: outer))
        }
        return [("allocate one identification number (statement, inside the transaction)", statement),
                ("allocation transaction including commit", transaction)]
    }
}

extension LicnaServices {
    public func lookupBenchmark(on database: any Database) -> RegistryBenchmark {
        RegistryBenchmark(services: self, database: database)
    }
}
