import Fluent
import Foundation
import LicnaCore
@testable import LicnaServer
import Testing
import Vapor

/// Writers on several event loops of one SQLite installation (the server's requests, stations in one process): each
/// loop has its own connection, and a transaction that read before writing while another committed used to fail
/// with "database is locked" (SQLITE_BUSY_SNAPSHOT). Transactions now take turns (`SQLiteWriteGate`) and a busy
/// one is made again: every append lands and the audit chain stays whole.
@Suite struct SQLiteWritersTests {
    @Test func transactionsOnEveryLoopAllCommitAndTheChainHolds() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            let loops = Array(app.eventLoopGroup.makeIterator())
            #expect(loops.count >= 2, "the test needs two event loops")
            let perLoop = 40
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, loop) in loops.enumerated() {
                    group.addTask {
                        try await loop.flatSubmit {
                            loop.makeFutureWithTask {
                                // `app.db` on this loop: this loop's own connection.
                                for step in 0..<perLoop {
                                    // Read, then write: the shape that meets a stale snapshot.
                                    try await app.db.retryingTransaction { db in
                                        _ = try await AuditEntryModel.query(on: db).count()
                                        try await app.licna.audit.append(
                                            [AuditEvent(actor: "loop-\(index)", purpose: .stated("writers"), action: .personRead, objectType: .person,
                                                        objectID: "\(index)-\(step)")],
                                            on: db)
                                    }
                                }
                            }
                        }.get()
                    }
                }
                try await group.waitForAll()
            }
            let entries = try await AuditEntryModel.query(on: app.db).filter(\.$purpose == "writers").count()
            #expect(entries == loops.count * perLoop)
            #expect(try await app.licna.audit.verify(on: app.db).firstBreak == nil)
        }
    }

    /// CI once failed a test of eight concurrent redemptions: with one gate for the whole test process, its waiters
    /// queued behind other tests' transactions past their patience, went ahead together and met SQLite's lock.
    @Test func eachFileHasItsOwnGate() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { first in
            try await TestInstallation.make(.sqlite).withApp(http: false) { second in
                let same = SQLiteWriteGate.of(first.db) === SQLiteWriteGate.of(first.db)
                let other = SQLiteWriteGate.of(first.db) === SQLiteWriteGate.of(second.db)
                #expect(same && !other)
            }
        }
    }

    @Test func theGateLetsOneThroughAtATimeAndNeverDeadlocks() async throws {
        // Patience far beyond the test's length: on a starved machine (CI once took 57 s here) a waiter's patience
        // running out would rightly let it in beside the holder, which is not what this test is about.
        let gate = SQLiteWriteGate(patience: .seconds(3_600))
        let inside = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await gate.passing {
                        let now = await inside.enter()
                        #expect(now == 1)
                        // A transaction opened inside another (on another connection) passes at once.
                        try await gate.passing { try await Task.sleep(for: .milliseconds(1)) }
                        await inside.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// The holder here waits for the waiter to come in: only the waiter's patience running out can end this.
    @Test(.timeLimit(.minutes(1))) func aWaiterWhosePatienceRunsOutGoesAheadBesideTheHolder() async throws {
        let gate = SQLiteWriteGate(patience: .milliseconds(50))
        let waiterIn = AsyncStream<Void>.makeStream()
        let holderIn = AsyncStream<Void>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                _ = try await gate.passing {
                    holderIn.continuation.yield()
                    for await _ in waiterIn.stream { break }
                }
            }
            for await _ in holderIn.stream { break }
            group.addTask {
                _ = try await gate.passing { waiterIn.continuation.yield() }
            }
            try await group.waitForAll()
        }
    }

    actor Counter {
        var count = 0
        func enter() -> Int { count += 1; return count }
        func leave() { count -= 1 }
    }
}
