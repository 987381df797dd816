import Foundation
import LicnaPKI
@testable import LicnaServer
import Testing
import Vapor
import X509
#if canImport(Glibc)
import Glibc
#endif

/// The dedicated OCSP listener's HTTP/1.1 over a real socket: answers in the order of pipelined requests (also
/// when an answer is made in a task), `Connection` as RFC 9112 §9 says for both versions, a request that is not
/// HTTP answered 400 and closed, and a real nonce request answered with a signed response for that nonce.
@Suite struct OCSPListenerTests {
    /// A blocking TCP connection to the listener, with a 10-second read timeout. Its reads run on a Dispatch thread,
    /// never on one of Swift concurrency's few threads, which the listener's tasks need to answer.
    final class RawConnection: @unchecked Sendable {
        let socket: Int32

        init(port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(connected == 0)
        }

        deinit { close(socket) }

        func send(_ bytes: [UInt8]) {
            _ = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) }
        }

        /// Everything until the peer closes (or the timeout).
        func readToEnd() async -> [UInt8] {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: self.blockingReadToEnd()) }
            }
        }

        /// Exactly `count` responses, read as they come.
        func read(responses count: Int) async -> [Response] {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: self.blockingRead(responses: count)) }
            }
        }

        private func blockingReadToEnd() -> [UInt8] {
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = recv(socket, &chunk, chunk.count, 0)
                guard count > 0 else { return received }
                received += chunk[..<count]
            }
        }

        private func blockingRead(responses count: Int) -> [Response] {
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while Response.parseAll(received).count < count {
                let read = recv(socket, &chunk, chunk.count, 0)
                guard read > 0 else { break }
                received += chunk[..<read]
            }
            return Response.parseAll(received)
        }
    }

    /// One HTTP response as the bytes on the wire say.
    struct Response {
        let statusLine: String
        let headers: [String: String]
        let body: [UInt8]

        var status: Int { Int(statusLine.split(separator: " ")[1]) ?? 0 }

        /// The complete responses at the start of `bytes` (each framed by its Content-Length).
        static func parseAll(_ bytes: [UInt8]) -> [Response] {
            var responses: [Response] = []
            var rest = bytes[...]
            while let end = rest.firstRange(of: Array("\r\n\r\n".utf8)) {
                let lines = String(decoding: rest[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
                var headers: [String: String] = [:]
                for line in lines.dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                guard rest[end.upperBound...].count >= length else { break }
                responses.append(Response(statusLine: lines[0], headers: headers, body: Array(rest[end.upperBound...].prefix(length))))
                rest = rest[(end.upperBound + length)...]
            }
            return responses
        }
    }

    static func post(_ body: [UInt8], contentType: String = "application/ocsp-request", extra: String = "", version: String = "1.1") -> [UInt8] {
        Array("POST / HTTP/\(version)\r\nHost: ocsp\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n\(extra)\r\n".utf8) + body
    }

    /// Starts a listener on a free port for `body`; `sqlite` false takes the asynchronous (PostgreSQL) path.
    static func withListener(sqlite: Bool, _ body: @escaping (Application, Int) async throws -> Void) async throws {
        let installation = try await TestInstallation.make(.sqlite)
        try await installation.withApp(http: false) { app in
            let listener = OCSPListener()
            let address = try await listener.start(host: "127.0.0.1", port: 0, group: app.eventLoopGroup, service: app.licna.trust.ocsp,
                                                   database: app.db, sqliteFile: sqlite ? installation.storage.sqliteFile : nil,
                                                   metrics: app.licna.metrics, trustedProxies: [])
            do {
                try await body(app, try #require(address?.port))
            } catch {
                await listener.stop()
                throw error
            }
            await listener.stop()
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrderAndCloseIsHonoured() async throws {
        try await Self.withListener(sqlite: true) { app, port in
            try await TrustFixtures.initialize(app)
            let connection = try RawConnection(port: port)
            // Four requests in one write: not DER (200, malformedRequest), the wrong type (415), a GET without a
            // request (200, malformedRequest) and one over 64 KB (413, and the connection closes).
            connection.send(Self.post([1, 2, 3]) + Self.post([1], contentType: "text/plain")
                            + Array("GET / HTTP/1.1\r\nHost: ocsp\r\n\r\n".utf8) + Self.post([UInt8](repeating: 0x30, count: 70_000)))
            let responses = Response.parseAll(await connection.readToEnd())
            #expect(responses.map(\.status) == [200, 415, 200, 413])
            #expect(responses.allSatisfy { $0.body == OCSPResponseStatus.malformedRequest.unsignedResponse })
            #expect(responses.allSatisfy { $0.headers["content-type"] == "application/ocsp-response" && $0.headers["cache-control"] == "no-store" })
            #expect(responses.map { $0.headers["connection"] } == [nil, nil, nil, "close"])
        }
    }

    @Test func http10KeepsTheConnectionOnlyWhenAsked() async throws {
        try await Self.withListener(sqlite: true) { _, port in
            let kept = try RawConnection(port: port)
            kept.send(Self.post([1], extra: "Connection: keep-alive\r\n", version: "1.0"))
            let first = await kept.read(responses: 1)
            #expect(first.first?.statusLine == "HTTP/1.0 200 OK" && first.first?.headers["connection"] == "keep-alive")
            kept.send(Self.post([2], version: "1.0"))  // no keep-alive: answered, then closed
            let second = Response.parseAll(await kept.readToEnd())
            #expect(second.count == 1 && second.first?.headers["connection"] == "close")
            let garbage = try RawConnection(port: port)
            garbage.send(Array("\u{1}\u{2} not http\r\n\r\n".utf8))
            let refused = Response.parseAll(await garbage.readToEnd())
            #expect(refused.map(\.status) == [400] && refused.first?.headers["connection"] == "close")
        }
    }

    /// The accepted socket has Nagle off (TCP_NODELAY at IPPROTO_TCP) and no option at the socket level that needs
    /// privilege: `SO_DEBUG` (set once by mistake, as `socketOption(.tcp_nodelay)`) made a server not run as root
    /// drop every connection, which tests run as root could not see. The server's end is found among this
    /// process's descriptors by its two ports.
    @Test func acceptedSocketsHaveNagleOffAndNoPrivilegedOption() async throws {
        try await Self.withListener(sqlite: true) { _, port in
            let connection = try RawConnection(port: port)
            connection.send(Self.post([1]))
            #expect(await connection.read(responses: 1).first?.status == 200)
            let clientPort = try #require(Self.ports(of: connection.socket)?.local)
            let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap { Int32($0) }
            let server = try #require(descriptors.first { Self.ports(of: $0).map { $0 == (port, clientPort) } ?? false })
            func option(_ level: Int32, _ name: Int32) -> Int32 {
                var value: Int32 = -1
                var length = socklen_t(MemoryLayout<Int32>.size)
                return getsockopt(server, level, name, &value, &length) == 0 ? value : -1
            }
            #expect(option(Int32(IPPROTO_TCP), TCP_NODELAY) > 0)  // -1: the option could not be read
            #expect(option(SOL_SOCKET, SO_DEBUG) == 0)
        }
    }

    /// The local and peer TCP ports of an IPv4 socket, or nil for anything else.
    static func ports(of socket: Int32) -> (local: Int, peer: Int)? {
        func port(_ call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32) -> Int? {
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let result = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(socket, $0, &length) } }
            guard result == 0, address.sin_family == sa_family_t(AF_INET) else { return nil }
            return Int(UInt16(bigEndian: address.sin_port))
        }
        guard let local = port(getsockname), let peer = port(getpeername) else { return nil }
        return (local, peer)
    }

    /// Nonce requests answered by a task (no SQLite reader, as on PostgreSQL), pipelined: each answer is signed for
    /// its own request's nonce, in the order sent; then the same on the event loop from the SQLite file. The metrics
    /// count each status read on its path.
    @Test(arguments: [false, true])
    func nonceAnswersKeepTheirOrder(sqlite: Bool) async throws {
        try await Self.withListener(sqlite: sqlite) { app, port in
            try await TrustFixtures.initialize(app)
            let certificate = try await TrustFixtures.issue(app)
            let authority = app.licna.trust.authority(on: app.db)
            let ca = try await authority.hierarchy().authority(.citizen).certificate
            let responder = try #require(try await authority.hierarchy().responders[.citizen]).certificate
            let nonces: [[UInt8]] = (1...5).map { [UInt8](repeating: UInt8($0), count: 16) }
            let connection = try RawConnection(port: port)
            connection.send(try nonces.flatMap { Self.post(try TrustFixtures.ocspRequest(for: Array(certificate.serialNumber.bytes), issuer: ca, nonce: $0)) })
            let responses = await connection.read(responses: nonces.count)
            try #require(responses.count == nonces.count)
            for (response, nonce) in zip(responses, nonces) {
                let parsed = try OCSPResponse(derEncoded: response.body)
                #expect(parsed.status == .successful && parsed.responses.first?.status == .good)
                #expect(parsed.nonceValue.map { Array($0.suffix(nonce.count)) } == nonce)
                #expect(parsed.isSigned(by: responder))
            }
            // Each status was read on the path the installation calls for, and none fell back unnoticed.
            let exposition = app.licna.metrics.registry.emitToString()
            #expect(exposition.contains("licna_ocsp_status_reads_total{path=\"file\"} \(sqlite ? nonces.count : 0)\n"))
            #expect(exposition.contains("licna_ocsp_status_reads_total{path=\"driver\"} \(sqlite ? 0 : nonces.count)\n"))
        }
    }
}
