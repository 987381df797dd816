import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// Prometheus' scrape endpoint on its own listener (`licna serve --metrics-port PORT`, loopback unless
/// `--metrics-host` says otherwise), the way exporters usually run: the public listener never serves `/metrics`,
/// so the registry's size, certificate counts and request rates are not published to the internet.
/// It answers `GET /metrics` (text exposition format 0.0.4) and 404 to anything else.
final class MetricsListener: Sendable {
    private let channel: NIOLockedValueBox<(any Channel)?> = NIOLockedValueBox(nil)

    func start(host: String, port: Int, group: any EventLoopGroup, metrics: LicnaMetrics, database: any Database) async throws -> SocketAddress? {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(metrics: metrics, database: database))
                }
            }
        let bound = try await bootstrap.bind(host: host, port: port).get()
        channel.withLockedValue { $0 = bound }
        return bound.localAddress
    }

    /// The port it listens on (when started with port 0, the one the system chose).
    var boundPort: Int? { channel.withLockedValue { $0?.localAddress?.port } }

    func stop() async {
        let bound = channel.withLockedValue { value -> (any Channel)? in
            defer { value = nil }
            return value
        }
        try? await bound?.close()
    }
}

/// One connection's scrapes: the request body (none expected) is ignored; each request gets one answer.
final class MetricsHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: LicnaMetrics
    private let database: any Database
    private var head: HTTPRequestHead?

    init(metrics: LicnaMetrics, database: any Database) {
        self.metrics = metrics
        self.database = database
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead): head = requestHead
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard head.method == .GET || head.method == .HEAD, path == "/metrics" else {
                return write("not found: scrape GET /metrics\n", status: .notFound, head: head, context: context)
            }
            let boundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            let (metrics, database, loop) = (self.metrics, self.database, context.eventLoop)
            Task {
                let text: String
                let status: HTTPResponseStatus
                do {
                    text = try await metrics.render(database: database)
                    status = .ok
                } catch {
                    text = "the database did not answer\n"
                    status = .serviceUnavailable
                }
                loop.execute { boundSelf.value.write(text, status: status, head: head, context: boundContext.value) }
            }
        }
    }

    private func write(_ text: String, status: HTTPResponseStatus, head: HTTPRequestHead, context: ChannelHandlerContext) {
        let body = ByteBuffer(string: text)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: status == .ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        if head.isKeepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
        }
    }
}
