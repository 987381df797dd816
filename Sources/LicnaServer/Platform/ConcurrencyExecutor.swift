import NIOCore
import NIOPosix

/// Where Swift concurrency runs in the `licna` process.
public enum ConcurrencyExecutor {
    /// Makes SwiftNIO's event loops (the server's, and the database drivers' completions) the global executor of
    /// Swift concurrency (the option Vapor's template offers): a task that awaits a database statement then resumes on the
    /// loop that completed it, instead of hopping to another thread and back for every statement (the audited read
    /// makes six; BENCHMARKS.md). Call it first thing in `main`, before any task starts; false when it could not be
    /// installed (another executor was already in use), and everything then works as before, only slower. Nothing
    /// in Licna blocks a task on a future (`wait()`), which on an event loop would never return.
    @discardableResult
    public static func useEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
