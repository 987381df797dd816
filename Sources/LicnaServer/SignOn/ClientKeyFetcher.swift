import AsyncHTTPClient
import Foundation
import LicnaBasics
import LicnaIdentityProvider
import NIOConcurrencyHelpers
import NIOCore

/// Reads the JWKS that relying parties registered with `--jwks-uri` publish (Dynamic Client Registration §2), for
/// `private_key_jwt`. Only https addresses (plain http only on this machine, as for redirect URIs); at most 64 KiB,
/// five seconds, a 200 answer. Each document is kept five minutes; a fresh fetch that an unknown key asks for is made
/// at most every 10 seconds per address, so that assertions signed by random keys cannot make the server a fetcher.
struct ClientKeyFetcher: ClientKeySource {
    let cache: ClientKeyCache
    let clock: any WallClock
    static let maximumBytes = 64 * 1024
    static let timeToLive: TimeInterval = 300
    static let freshInterval: TimeInterval = 10

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Whether `uri` may name a client's JWKS: absolute https, or http to a loopback host; no fragment; 2,000 bytes.
    static func isAcceptable(_ uri: String) -> Bool {
        guard uri.utf8.count <= 2000, let url = URL(string: uri), let scheme = url.scheme?.lowercased(), let host = url.host, url.fragment == nil else {
            return false
        }
        return scheme == "https" || (scheme == "http" && ["127.0.0.1", "localhost", "[::1]", "::1"].contains(host))
    }

    func jwks(at uri: String, fresh: Bool) async throws -> Data {
        let now = clock.now
        if let cached = cache.document(uri, now: now, fresh: fresh) { return cached }
        guard Self.isAcceptable(uri) else { throw Failure(description: "not an https address") }
        var request = HTTPClientRequest(url: uri)
        request.headers.add(name: "Accept", value: "application/json, application/jwk-set+json")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        guard response.status == .ok else { throw Failure(description: "the jwks_uri answered \(response.status.code)") }
        let body = try await response.body.collect(upTo: Self.maximumBytes)
        let document = Data(body.readableBytesView)
        cache.store(document, for: uri, now: now)
        return document
    }
}

/// The clients' JWKS documents, by address, for one process.
final class ClientKeyCache: Sendable {
    private let entries = NIOLockedValueBox<[String: (document: Data, fetchedAt: Date)]>([:])

    /// The cached document, unless it is stale, or `fresh` is asked and the last fetch is old enough to repeat.
    func document(_ uri: String, now: Date, fresh: Bool) -> Data? {
        entries.withLockedValue { entries in
            guard let entry = entries[uri] else { return nil }
            let age = now.timeIntervalSince(entry.fetchedAt)
            if age < 0 || age >= ClientKeyFetcher.timeToLive { return nil }
            if fresh && age >= ClientKeyFetcher.freshInterval { return nil }
            return entry.document
        }
    }

    func store(_ document: Data, for uri: String, now: Date) {
        entries.withLockedValue { entries in
            if entries.count >= 1_000 { entries.removeAll() }
            entries[uri] = (document, now)
        }
    }
}
