import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dedicated OCSP listener built directly on SwiftNIO (`licna serve --ocsp-port`), for deployments that give
/// OCSP its own host (`licna ca init --ocsp-url http://ocsp.example.me`). It answers RFC 6960 Appendix A
/// requests on any path: POST with `application/ocsp-request`, GET with the base64 request as the last path
/// part. Cached answers are written on the event loop without a task; misses go to the same responder as
/// `/pki/ocsp`. It exists because Vapor's per-connection and per-request setup halves the rate of clients that
/// open one connection per request (BENCHMARKS.md).
final class OCSPListener: Sendable {
    private let channels: NIOLockedValueBox<[any Channel]> = NIOLockedValueBox([])

    /// With `sqliteFile` (an SQLite installation), statuses are read synchronously on the event loop
    /// (`OCSPSQLiteStatusReader`); otherwise, and whenever that read fails, through `database` in a task.
    ///
    /// Each event loop of `group` gets a socket of its own on the same address (`SO_REUSEPORT`, where the system
    /// has it): the kernel spreads connections over them, and each connection is accepted and served by the same
    /// loop, without the hand-over to another thread that a single accepting socket needs for every connection.
    func start(host: String, port: Int, group: any EventLoopGroup, service: OCSPResponderService, database: any Database,
               sqliteFile: String?, metrics: LicnaMetrics, trustedProxies: [IPNetwork]) async throws -> SocketAddress? {
        let reader = sqliteFile.map(OCSPSQLiteStatusReader.init(path:))
        func bootstrap(on loops: any EventLoopGroup, sharingPort: Bool) -> ServerBootstrap {
            var bootstrap = ServerBootstrap(group: loops)
                .serverChannelOption(ChannelOptions.backlog, value: 1024)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)  // accept connections in batches
            if sharingPort {
                bootstrap = bootstrap.serverChannelOption(ChannelOptions.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
            }
            // No child socket options: SwiftNIO's bootstrap already sets TCP_NODELAY (at IPPROTO_TCP). A socket option
            // at the wrong level is another option: `socketOption(.tcp_nodelay)` is SOL_SOCKET 1, SO_DEBUG, which
            // only a privileged process may set, so every connection to a server not run as root was dropped.
            return bootstrap
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)),
                            OCSPHTTPHandler(service: service, database: database, reader: reader, metrics: metrics, trustedProxies: trustedProxies))
                    }
                }
        }
        let loops = Array(group.makeIterator())
        // The first socket takes the port (perhaps 0, a free one); the others join the port it got.
        let first = try await bootstrap(on: loops[0], sharingPort: loops.count > 1).bind(host: host, port: port).get()
        var bound = [first]
        if let boundPort = first.localAddress?.port {
            for loop in loops.dropFirst() {
                do {
                    bound.append(try await bootstrap(on: loop, sharingPort: true).bind(host: host, port: boundPort).get())
                } catch {
                    break  // no SO_REUSEPORT here: the first socket serves alone
                }
            }
        }
        channels.withLockedValue { $0 = bound }
        return first.localAddress
    }

    func stop() async {
        let bound = channels.withLockedValue { value -> [any Channel] in
            defer { value = [] }
            return value
        }
        for channel in bound { try? await channel.close() }
    }
}
