import Foundation

/// A clock a test moves: it stands where it was set until ``advance(_:)`` or ``set(_:)`` moves it, from any thread
/// (the shape of Hummingbird's `MockClock`, for the wall clock). For tests that watch expiry, validity windows and
/// schedules follow the time: sessions, OCSP answers, CRLs.
public final class AdjustableWallClock: WallClock, @unchecked Sendable {
    // `current` is read and written only under `lock`.
    private let lock = NSLock()
    private var current: Date
    public let timeZone: TimeZone

    /// A clock standing at `start`.
    public init(_ start: Date, timeZone: TimeZone = .gmt) {
        self.current = start
        self.timeZone = timeZone
    }

    /// A clock standing where the system clock stands now.
    public convenience init(timeZone: TimeZone = .gmt) {
        self.init(SystemWallClock().now, timeZone: timeZone)
    }

    public var now: Date { lock.withLock { current } }

    /// Moves the clock forward by `seconds` (backward when negative).
    public func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }

    /// Puts the clock at `instant`.
    public func set(_ instant: Date) { lock.withLock { current = instant } }
}
