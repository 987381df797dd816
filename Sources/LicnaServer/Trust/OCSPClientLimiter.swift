import Foundation

/// The per-client limit on OCSP answers that cost a signature (requests with a nonce, cache misses, unknown
/// serials): `TrustConfiguration.nonceRequestsPerSecond` per client address (IPv6: per /64) with bursts of
/// `ocspBurstFactor` times that, over at most `ocspTrackedClients` clients. Requests with no client address (the
/// server's own validation) are not limited. Beyond the limit the answer is `tryLater` (RFC 6960 §2.3).
struct OCSPClientLimiter: Sendable {
    let buckets: ClientRateLimiter

    init(configuration: TrustConfiguration) {
        buckets = ClientRateLimiter(rate: configuration.nonceRequestsPerSecond,
                                    burst: configuration.nonceRequestsPerSecond * configuration.ocspBurstFactor,
                                    capacity: configuration.ocspTrackedClients)
    }

    /// Takes one signature from `client`'s allowance at `now`; false when it is spent.
    func allow(_ client: ClientAddress?, now: Date) -> Bool {
        guard let client else { return true }
        return buckets.allow(client.limitKey, now: now)
    }
}
