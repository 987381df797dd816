import Foundation
import NIOPosix

/// Password hashes run on a thread pool of their own, at most `workers` at once, with at most `waiting` more queued:
/// beyond that a sign-in is refused at once (503 with Retry-After) instead of queueing memory (each scrypt hash holds
/// 128 MiB at the default cost). The event loops never run a hash.
actor PasswordHashingQueue {
    struct Busy: Error {}

    let workers: Int
    let waiting: Int
    private let pool: NIOThreadPool
    private var running = 0
    private var queue: [CheckedContinuation<Void, Never>] = []

    init(workers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount), waiting: Int = 16) {
        self.workers = workers
        self.waiting = waiting
        pool = NIOThreadPool(numberOfThreads: workers)
        pool.start()
    }

    /// Runs `work` (a hash) when a worker is free; throws `Busy` when the queue is full.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        if running >= workers {
            guard queue.count < waiting else { throw Busy() }
            await withCheckedContinuation { queue.append($0) }
        } else {
            running += 1
        }
        defer {
            if queue.isEmpty { running -= 1 } else { queue.removeFirst().resume() }
        }
        return try await pool.runIfActive { try work() }
    }

    deinit { pool.shutdownGracefully { _ in } }
}
