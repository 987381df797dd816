import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
@testable import LicnaServer
import NIOCore
import Testing
import VaporTesting
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 10, items 7 and 8: per-client limits that a client cannot dodge by changing the low bits of its IPv6
/// address or by writing its own X-Forwarded-For, a bounded client table, a TSA limited like nonce OCSP, and
/// metrics off the public listener.
@Suite struct ClientLimitTests {
    @Test func ipv6ClientsAreOneClientPer64Bits() throws {
        // Today's text-based grouping took "2001:db8::1" and "2001:db8::2" as the first four groups: two clients.
        let a = try #require(ClientAddress("2001:db8::1:2:3:4"))
        let b = try #require(ClientAddress("2001:db8::2:2:3:4"))
        let c = try #require(ClientAddress("2001:0db8:0000:0000:ffff:ffff:ffff:ffff"))
        #expect(a.limitKey == b.limitKey && b.limitKey == c.limitKey)
        #expect(ClientAddress("2001:db8:0:1::1")?.limitKey != a.limitKey)
        // IPv4 and its IPv6-mapped form are one client; distinct IPv4 addresses are distinct.
        #expect(ClientAddress("::ffff:192.0.2.7")?.limitKey == ClientAddress("192.0.2.7")?.limitKey)
        #expect(ClientAddress("192.0.2.7")?.limitKey != ClientAddress("192.0.2.8")?.limitKey)
        #expect(ClientAddress("[2001:db8::1]") == ClientAddress("2001:db8::1") && ClientAddress("fe80::1%eth0") == ClientAddress("fe80::1"))
        for junk in ["", "１.2.3.4", "2001:db8::g", "1.2.3", String(repeating: "1", count: 10_000), "::ffff:999.0.0.1"] {
            #expect(ClientAddress(junk) == nil, "\(junk.prefix(20))")
        }
    }

    @Test func theLimiterHoldsAcrossAddressesOfOneSubnetAndItsTableIsBounded() throws {
        let limiter = ClientRateLimiter(rate: 1, burst: 3, capacity: 1_000)
        let now = Date()
        var allowed = 0
        for host in 0..<100 {
            let address = try #require(ClientAddress("2001:db8:aa:bb:\(String(host, radix: 16))::1"))
            if limiter.allow(address.limitKey, now: now) { allowed += 1 }
        }
        #expect(allowed == 3)
        // Two million distinct clients: the table never holds more than its capacity.
        for value in 0..<2_000_000 {
            _ = limiter.allow(ClientKey(family: 4, prefix: UInt64(value)), now: now)
        }
        #expect(limiter.trackedClients == 1_000)
        // The least recently used are the ones forgotten.
        var table = LeastRecentlyUsedTable<Int, Int>(capacity: 3)
        for key in 1...3 { table.set(key, for: key) }
        _ = table.value(for: 1)
        table.set(4, for: 4)
        #expect(table.value(for: 2) == nil && table.value(for: 1) == 1 && table.value(for: 3) == 3 && table.value(for: 4) == 4)
    }

    @Test func forwardedForCountsOnlyFromTrustedProxies() throws {
        let proxies = [try #require(IPNetwork(cidr: "10.0.0.0/8")), try #require(IPNetwork(cidr: "::1"))]
        #expect(IPNetwork(cidr: "10.0.0.0/33") == nil && IPNetwork(cidr: "10.0.0.0/８") == nil && IPNetwork(cidr: "10.0.0.0/") == nil)
        // From a client, the header is ignored: it cannot choose its own identity.
        #expect(ClientAddress.resolve(peer: ClientAddress("192.0.2.7"), forwardedFor: ["198.51.100.1"], trustedProxies: proxies) == ClientAddress("192.0.2.7"))
        // From a proxy, the rightmost address that is not a proxy; spoofed entries to its left do not count.
        #expect(ClientAddress.resolve(peer: ClientAddress("10.1.2.3"), forwardedFor: ["6.6.6.6, 198.51.100.1", "10.9.9.9"], trustedProxies: proxies)
                == ClientAddress("198.51.100.1"))
        #expect(ClientAddress.resolve(peer: ClientAddress("::1"), forwardedFor: ["2001:db8::5"], trustedProxies: proxies) == ClientAddress("2001:db8::5"))
        // Garbage in the header leaves the proxy itself as the client.
        #expect(ClientAddress.resolve(peer: ClientAddress("10.1.2.3"), forwardedFor: ["not an address"], trustedProxies: proxies) == ClientAddress("10.1.2.3"))
    }

    /// A socket's address is the same client as its text: an IPv4-mapped IPv6 peer is its IPv4 address.
    @Test func socketAddressesAreTheSameClientsAsTheirText() throws {
        for (socket, text) in [("192.0.2.7", "192.0.2.7"), ("::ffff:192.0.2.7", "192.0.2.7"), ("2001:db8::5", "2001:db8::5"), ("::1", "::1")] {
            let address = try SocketAddress(ipAddress: socket, port: 443)
            #expect(ClientAddress(socket: address) == ClientAddress(text), "\(socket)")
        }
        #expect(ClientAddress(socket: try SocketAddress(unixDomainSocketPath: "/tmp/licna.sock")) == nil)
    }

    @Test func theTSAIsLimitedPerClientBehindATrustedProxy() async throws {
        let installation = try await TestInstallation.make(.sqlite)
        let app = try await Application.make(.testing)
        // A clock that stands still: the buckets refill only when the test says so, however slow the machine.
        var configuration = installation.configuration(clock: AdjustableWallClock())
        configuration.trust.timestampRequestsPerSecond = 1  // bursts of 2
        configuration.trustedProxies = [try #require(IPNetwork(cidr: "127.0.0.1"))]
        do {
            try await configureLicna(app, configuration)
            try await TrustFixtures.initialize(app)
            let request = try TimeStampRequest(messageImprint: MessageImprint(hashing: [1, 2, 3], with: .sha256)).derBytes()
            func stamp(from client: String) async throws -> HTTPStatus {
                var status = HTTPStatus.internalServerError
                var headers = HTTPHeaders([("X-Forwarded-For", client)])
                headers.contentType = HTTPMediaType(type: "application", subType: "timestamp-query")
                try await app.testing(method: .running(hostname: "127.0.0.1", port: 0)).test(.POST, "pki/tsa", headers: headers,
                                                                                             body: ByteBuffer(bytes: request)) { response in
                    status = response.status
                    if response.status == .tooManyRequests {
                        #expect(response.headers.first(name: .retryAfter) == "1")
                        let reply = try TimeStampResponse(derEncoded: Array(buffer: response.body))
                        #expect(reply.status.failureInfo?.contains(.systemFailure) == true)
                    }
                }
                return status
            }
            var statuses: [HTTPStatus] = []
            for host in 1...4 { statuses.append(try await stamp(from: "2001:db8::\(host)")) }
            #expect(statuses.filter { $0 == .ok }.count == 2 && statuses.last == .tooManyRequests)
            // Another client behind the same proxy is not held back by the first one.
            #expect(try await stamp(from: "198.51.100.9") == .ok)
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    @Test func metricsHaveTheirOwnLoopbackListener() async throws {
        let installation = try await TestInstallation.make(.sqlite)
        let app = try await Application.make(.testing)
        var configuration = installation.configuration()
        configuration.metricsListener = ("127.0.0.1", 0)
        do {
            try await configureLicna(app, configuration, options: .init(http: true, demo: true))
            try await app.asyncBoot()
            try await app.testing().test(.GET, "metrics") { response in #expect(response.status == .notFound) }
            let port = try #require(app.licna.metricsListener.boundPort)
            let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains("licna_registry_persons ") && text.contains("licna_identification_numbers_available"))
            let (_, other) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!)
            #expect((other as? HTTPURLResponse)?.statusCode == 404)
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
