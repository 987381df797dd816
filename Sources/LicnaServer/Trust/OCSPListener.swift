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
            return bootstrap
                .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(OCSPHTTPHandler(service: service, database: database, reader: reader,
                                                                                      metrics: metrics, trustedProxies: trustedProxies))
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

/// One connection's requests: head, body up to 64 KB, then one answer. Pipelining assistance holds a pipelined
/// request back until the previous answer is written, so answers keep their order when a miss takes a task.
final class OCSPHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let service: OCSPResponderService
    private let database: any Database
    private let reader: OCSPSQLiteStatusReader?
    private let metrics: LicnaMetrics
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var tooLarge = false
    private var version = HTTPVersion.http1_1

    private let trustedProxies: [IPNetwork]

    init(service: OCSPResponderService, database: any Database, reader: OCSPSQLiteStatusReader?, metrics: LicnaMetrics, trustedProxies: [IPNetwork]) {
        self.reader = reader
        self.trustedProxies = trustedProxies
        self.service = service
        self.database = database
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body.clear()
            tooLarge = false
        case .body(var chunk):
            if body.readableBytes + chunk.readableBytes > TrustController.maximumRequestBody { tooLarge = true } else { body.writeBuffer(&chunk) }
        case .end:
            guard let head else { return }
            self.head = nil
            version = head.version
            answer(head, context: context)
        }
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let keepAlive = head.isKeepAlive
        let request: [UInt8]
        switch head.method {
        case .POST:
            guard head.headers.first(name: "content-type")?.lowercased().hasPrefix("application/ocsp-request") == true else {
                return write(OCSPResponderService.error(.malformedRequest), status: .unsupportedMediaType, keepAlive: keepAlive, context: context)
            }
            guard !tooLarge else {
                return write(OCSPResponderService.error(.malformedRequest), status: .payloadTooLarge, keepAlive: false, context: context)
            }
            request = Array(buffer: body)
        case .GET:
            // Everything after the first "/" (or after "/pki/ocsp/"): base64 may itself hold "/" and "//".
            var path = Substring(head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            path = path.hasPrefix("/pki/ocsp/") ? path.dropFirst("/pki/ocsp/".count) : path.dropFirst()
            guard !path.isEmpty, let decoded = TrustController.decodeBase64Path(String(path)) else {
                return write(OCSPResponderService.error(.malformedRequest), status: .ok, keepAlive: keepAlive, context: context)
            }
            request = decoded
        default:
            return write(OCSPResponderService.error(.malformedRequest), status: .methodNotAllowed, keepAlive: false, context: context)
        }
        if let cached = service.cachedAnswer(for: request) {
            return write(cached, status: .ok, keepAlive: keepAlive, context: context)
        }
        let client = ClientAddress.resolve(peer: context.remoteAddress.flatMap(ClientAddress.init(socket:)), forwardedFor: head.headers["X-Forwarded-For"],
                                           trustedProxies: trustedProxies)
        // Errors, requests without a nonce whose statuses are cached, and — on SQLite — every status read are
        // answered here on the event loop: a signature and an indexed read cost less than the hops to a task and to
        // the driver's thread and back. Only a PostgreSQL read (or a failed SQLite one) takes a task.
        let pending: OCSPResponderService.PendingAnswer
        switch service.prepare(request, client: client) {
        case .answered(let answer): return write(answer, status: .ok, keepAlive: keepAlive, context: context)
        case .needsStatus(let waiting): pending = waiting
        }
        if let reader, let answer = service.complete(pending, reader: reader) {
            return write(answer, status: .ok, keepAlive: keepAlive, context: context)
        }
        let boundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let (service, store, loop) = (self.service, OCSPSQLStatusStore(database: database), context.eventLoop)
        Task {
            let answer = await service.complete(pending, store: store)
            loop.execute { boundSelf.value.write(answer, status: .ok, keepAlive: keepAlive, context: boundContext.value) }
        }
    }

    private func write(_ answer: OCSPResponderService.Answer, status: HTTPResponseStatus, keepAlive: Bool, context: ChannelHandlerContext) {
        metrics.ocspResponses.increment()
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/ocsp-response")
        headers.add(name: "Content-Length", value: String(answer.body.readableBytes))
        headers.add(contentsOf: service.cachingHeaders(for: answer))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil)
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
        }
    }
}
