import Foundation
import NIOConcurrencyHelpers

/// Slows down guessing at the officer sign-in, per client (`ClientKey`: an IPv4 address or an IPv6 /64), without
/// ever locking anyone out: after the n-th failure in a row the client must wait `delay(n)` — 0.5 s doubling up
/// to 60 s — before its next try is even checked. A success, or 15 minutes without a failure, starts it afresh.
/// An attacker elsewhere cannot block an officer (the count is per client), and an officer who mistypes waits
/// seconds, not hours. The table is bounded like the rate limiter's.
final class LoginThrottle: Sendable {
    struct Failures: Sendable {
        var count: Int
        var last: Date
        var nextAllowed: Date
    }

    static let maximumDelay: TimeInterval = 60
    static let forgetAfter: TimeInterval = 15 * 60
    private let table: NIOLockedValueBox<LeastRecentlyUsedTable<ClientKey, Failures>>

    init(capacity: Int = 100_000) {
        table = NIOLockedValueBox(LeastRecentlyUsedTable(capacity: capacity))
    }

    static func delay(afterFailures count: Int) -> TimeInterval {
        guard count > 0 else { return 0 }
        return min(maximumDelay, 0.5 * pow(2, Double(min(count - 1, 16))))
    }

    /// Seconds the client must still wait before a try is checked; 0 when it may try now.
    func wait(for client: ClientKey, now: Date) -> TimeInterval {
        table.withLockedValue { table in
            guard let failures = table.value(for: client), now.timeIntervalSince(failures.last) < Self.forgetAfter else { return 0 }
            return max(0, failures.nextAllowed.timeIntervalSince(now))
        }
    }

    /// Records a wrong token; returns the delay now imposed.
    @discardableResult
    func failed(_ client: ClientKey, now: Date) -> TimeInterval {
        table.withLockedValue { table in
            var failures = table.value(for: client) ?? Failures(count: 0, last: now, nextAllowed: now)
            if now.timeIntervalSince(failures.last) >= Self.forgetAfter { failures.count = 0 }
            failures.count += 1
            failures.last = now
            let delay = Self.delay(afterFailures: failures.count)
            failures.nextAllowed = now.addingTimeInterval(delay)
            table.set(failures, for: client)
            return delay
        }
    }

    /// A correct token: the client starts afresh.
    func succeeded(_ client: ClientKey, now: Date) {
        table.withLockedValue { table in
            if table.value(for: client) != nil { table.set(Failures(count: 0, last: .distantPast, nextAllowed: now), for: client) }
        }
    }
}
