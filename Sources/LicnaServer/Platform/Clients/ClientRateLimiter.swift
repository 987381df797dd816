import Foundation
import NIOConcurrencyHelpers

/// A token bucket per client (`ClientKey`: an IPv4 address or an IPv6 /64): `rate` requests per second with bursts
/// of `burst`. The table of buckets is bounded (least recently used clients are forgotten first, O(1) per request),
/// so a flood of distinct addresses cannot grow memory or make each request sweep the table. A forgotten client
/// starts again with a full bucket — at worst one extra burst — which is the price of bounded memory.
final class ClientRateLimiter: Sendable {
    private struct Bucket: Sendable {
        var tokens: Double
        var at: Date
    }

    let rate: Double
    let burst: Double
    private let buckets: NIOLockedValueBox<LeastRecentlyUsedTable<ClientKey, Bucket>>

    init(rate: Double, burst: Double? = nil, capacity: Int = 100_000) {
        self.rate = max(rate, 0.001)
        self.burst = max(burst ?? rate * 2, 1)
        buckets = NIOLockedValueBox(LeastRecentlyUsedTable(capacity: capacity))
    }

    /// Takes one token for `client` at `now`; false when its bucket is empty (answer "try later").
    func allow(_ client: ClientKey, now: Date) -> Bool {
        buckets.withLockedValue { table in
            var bucket = table.value(for: client) ?? Bucket(tokens: burst, at: now)
            // A clock that steps back refills nothing.
            bucket.tokens = min(burst, bucket.tokens + max(0, now.timeIntervalSince(bucket.at)) * rate)
            bucket.at = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            table.set(bucket, for: client)
            return allowed
        }
    }

    /// Clients currently remembered (for tests and metrics).
    var trackedClients: Int { buckets.withLockedValue { $0.count } }
}
