import Fluent
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers

extension Database {
    /// Fluent's transaction, made to work with SQLite's single writer when several event loops (or processes) write:
    ///
    /// - In this process, SQLite transactions on one file take turns (`SQLiteWriteGate`): a task waits, suspended,
    ///   for the one before it, instead of SQLite's busy handler spinning on a core while the lock is held.
    /// - A transaction that read before writing while another connection (another process's: a station beside the
    ///   server) committed cannot wait for the lock — its snapshot is stale (SQLITE_BUSY_SNAPSHOT) — and SQLite refuses
    ///   it at once. The attempt was rolled back whole, so it is made again on a fresh snapshot, up to eight times
    ///   with a short random wait.
    ///
    /// Inside a transaction it runs once, in it (the outer one is gated and retried); on PostgreSQL it is Fluent's
    /// transaction.
    func retryingTransaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard !inTransaction else { return try await transaction(closure) }
        guard (self as? any SQLDatabase)?.dialect.name == "sqlite" else { return try await transaction(closure) }
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await SQLiteWriteGate.of(self).passing { try await self.transaction(closure) }
            } catch let error as SQLiteError where error.isBusy && attempt < 8 {
                try await Task.sleep(for: .microseconds(Int.random(in: 100...(500 << attempt))))
            }
        }
    }
}

/// Lets this process's SQLite write transactions on one file through one at a time, in arrival order. A task already inside
/// (a transaction opened while another is open, on another connection) passes at once, and a wait longer than
/// `patience` passes anyway, to SQLite's own locking: the gate can delay, never deadlock.
actor SQLiteWriteGate {
    private static let gates = NIOLockedValueBox([String: SQLiteWriteGate]())

    /// The gate of the database's file. One gate per file, not per process: writers to other files (a test process
    /// holds hundreds of installations) never queue behind each other. Fluent does not name a database's file, so
    /// it is read from the driver's configuration; a driver that does not show it shares one gate.
    static func of(_ database: any Database) -> SQLiteWriteGate {
        let storage = Mirror(reflecting: database.context.configuration).descendant("configuration", "storage")
        let key = storage.map { String(describing: $0) } ?? ""
        return gates.withLockedValue { gates in
            if let gate = gates[key] { return gate }
            let gate = SQLiteWriteGate()
            gates[key] = gate
            return gate
        }
    }

    /// How long a waiter waits before it goes ahead anyway.
    let patience: Duration

    init(patience: Duration = .seconds(10)) {
        self.patience = patience
    }
    /// The gates the current task is inside of.
    @TaskLocal static var inside: Set<ObjectIdentifier> = []

    private var holder: UInt64?
    private var next: UInt64 = 0
    private var waiters: [(ticket: UInt64, continuation: CheckedContinuation<Void, Never>, timer: Task<Void, Never>)] = []

    nonisolated func passing<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        let me = ObjectIdentifier(self)
        if Self.inside.contains(me) { return try await body() }
        let ticket = await enter()
        do {
            let result = try await Self.$inside.withValue(Self.inside.union([me])) { try await body() }
            await leave(ticket)
            return result
        } catch {
            await leave(ticket)
            throw error
        }
    }

    private func enter() async -> UInt64 {
        next += 1
        let ticket = next
        guard holder != nil else {
            holder = ticket
            return ticket
        }
        await withCheckedContinuation { continuation in
            let timer = Task {
                try? await Task.sleep(for: self.patience)
                if !Task.isCancelled { self.giveUp(ticket) }
            }
            waiters.append((ticket, continuation, timer))
        }
        return ticket
    }

    /// The waiter stops waiting (its patience ran out) and goes ahead beside the holder.
    private func giveUp(_ ticket: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.ticket == ticket }) else { return }
        waiters.remove(at: index).continuation.resume()
    }

    private func leave(_ ticket: UInt64) {
        guard holder == ticket else { return }  // one that gave up leaves nothing to hand on
        if waiters.isEmpty {
            holder = nil
        } else {
            let waiter = waiters.removeFirst()
            waiter.timer.cancel()
            holder = waiter.ticket
            waiter.continuation.resume()
        }
    }
}

extension SQLiteError {
    /// The database is locked or busy for this connection now (SQLite result codes 5 and 6 and their extended forms).
    var isBusy: Bool {
        switch reason {
        case .busy, .busyInSnapshot, .busyInRecovery, .busyTimeout, .locked, .lockedBySharedCache: true
        default: false
        }
    }
}
