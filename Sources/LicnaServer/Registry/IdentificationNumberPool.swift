import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import SQLKit

/// Hands out identification numbers from a pool drawn in advance, so that allocation is one indexed update
/// (constant time, whatever the registry's size) and never reuses a number: every number ever drawn stays in
/// `identification_numbers` under a unique index, issued or not.
///
/// Concurrency: on PostgreSQL the pool rows are claimed with `FOR UPDATE SKIP LOCKED`, so concurrent
/// allocations take different rows without waiting; on SQLite the single `UPDATE … RETURNING` statement takes the
/// database's write lock. Either way a second allocation of the same number is impossible.
public struct IdentificationNumberPool: Sendable {
    /// How many unissued numbers the pool keeps ready.
    public var reserve: Int
    let clock: any WallClock

    public init(reserve: Int = 10_000, clock: any WallClock) {
        self.reserve = reserve
        self.clock = clock
    }

    /// Issues `count` numbers. When the pool holds fewer, the rest are drawn fresh and recorded as issued at
    /// once (a bulk import needs no round trip through the pool), and the pool is topped up for the next caller.
    public func allocate(_ count: Int, on database: any Database) async throws -> [IdentificationNumber] {
        var numbers = try await claim(count, on: database)
        guard numbers.count < count else { return numbers }
        var attempts = 0
        while numbers.count < count, attempts < 100 {
            numbers += try await insertFresh(count - numbers.count, issuedAt: clock.now, on: database)
            attempts += 1
        }
        guard numbers.count == count else { throw RegistryError.poolExhausted }
        // The pool ran dry: fill it again for the callers that allocate one number at a time.
        if count < reserve { try await refill(adding: reserve, on: database) }
        return numbers
    }

    private func claim(_ count: Int, on database: any Database) async throws -> [IdentificationNumber] {
        guard count > 0 else { return [] }
        let sql = database.sql
        let lock = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await sql.raw("""
            UPDATE identification_numbers SET issued_at = \(bind: clock.now)
            WHERE id IN (SELECT id FROM identification_numbers WHERE issued_at IS NULL ORDER BY id LIMIT \(bind: count)\(unsafeRaw: lock))
            RETURNING id, number
            """).all()
        return try rows
            .map { (try $0.decode(column: "id", as: Int.self), try $0.decode(column: "number", as: String.self)) }
            .sorted { $0.0 < $1.0 }
            .map { try IdentificationNumber($0.1) }
    }

    /// Draws `count` fresh numbers into the pool. Numbers already drawn at any time are skipped by the unique index.
    public func refill(adding count: Int, on database: any Database) async throws {
        _ = try await insertFresh(count, issuedAt: nil, on: database)
    }

    /// Rows per INSERT: two bound values each stays far below SQLite's 32,766 and PostgreSQL's 65,535.
    private static let rowsPerStatement = 5_000

    /// Draws `count` fresh numbers and inserts them, issued at `issuedAt` or (when nil) into the pool. A number drawn
    /// at any time before is skipped by the unique index; `ON CONFLICT DO NOTHING … RETURNING` gives back only the
    /// numbers that went in.
    private func insertFresh(_ count: Int, issuedAt: Date?, on database: any Database) async throws -> [IdentificationNumber] {
        let sql = database.sql
        var generator = IdentificationNumberGenerator()
        var inserted: [IdentificationNumber] = []
        var remaining = count
        while remaining > 0 {
            // Sorted, so that concurrent transactions that happen to draw the same number take the unique index's
            // locks in the same order: they wait for each other instead of deadlocking (PostgreSQL).
            let batch = generator.generate(count: min(remaining, Self.rowsPerStatement)).sorted()
            let rows = try await sql.insert(into: IdentificationNumberModel.schema)
                .columns("number", "issued_at")
                .rows(batch.map { [SQLBind($0.digits), SQLBind(issuedAt)] })
                .ignoringConflicts(with: ["number"])
                .returning("number")
                .all()
            // A loop, not `try rows.map`: the map inside this loop crashes Swift 6.3.1's optimizer (coroutine splitting).
            for row in rows { inserted.append(try IdentificationNumber(row.decode(column: "number", as: String.self))) }
            remaining -= batch.count
        }
        return inserted
    }

    /// Records numbers issued elsewhere (an imported registry) as issued, so that the pool never draws them.
    func markIssued(_ numbers: [IdentificationNumber], on database: any Database) async throws {
        guard !numbers.isEmpty else { return }
        let sql = database.sql
        let now = clock.now
        for start in stride(from: 0, to: numbers.count, by: Self.rowsPerStatement) {
            try await sql.insert(into: IdentificationNumberModel.schema)
                .columns("number", "issued_at")
                .rows(numbers[start..<min(start + Self.rowsPerStatement, numbers.count)].map { [SQLBind($0.digits), SQLBind(now)] })
                .onConflict(with: ["number"]) { $0.set(excludedValueOf: "issued_at") }
                .run()
        }
    }

    /// Unissued numbers in the pool.
    public func available(on database: any Database) async throws -> Int {
        try await IdentificationNumberModel.query(on: database).filter(\.$issuedAt == nil).count()
    }

    /// Tops the pool up to its reserve; run at start.
    public func ensureReserve(on database: any Database) async throws {
        let available = try await available(on: database)
        if available < reserve { try await refill(adding: reserve - available, on: database) }
    }
}
