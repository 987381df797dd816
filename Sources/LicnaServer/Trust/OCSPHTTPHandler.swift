import Fluent
import Foundation
import NIOCore
import NIOHTTP1

/// One connection of the dedicated OCSP listener: RFC 6960 Appendix A requests decoded by SwiftNIO's
/// `HTTPRequestDecoder` (body up to 64 KB), each answer written as one buffer — status line, headers and body —
/// in the order the requests came (RFC 9112 §9.3.2: a pipelined request waits while an answer is made in a task).
/// It writes the HTTP/1.1 response itself instead of through SwiftNIO's server pipeline, whose encoder, pipelining
/// and error handlers cost more per connection than the answer's own framing (BENCHMARKS.md).
final class OCSPHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    /// A complete request: its head, and its body unless it went over the limit.
    private struct Received {
        let head: HTTPRequestHead
        let body: ByteBuffer?
    }

    /// Pipelined requests held while an answer is made in a task; a client that sends more is disconnected.
    static let maximumWaitingRequests = 16

    private let service: OCSPResponderService
    private let database: any Database
    private let reader: OCSPSQLiteStatusReader?
    private let metrics: LicnaMetrics
    private let trustedProxies: [IPNetwork]
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var tooLarge = false
    /// True while an answer is being made in a task; requests that arrive meanwhile wait in `waiting`.
    private var answering = false
    private var waiting: [Received] = []
    /// True once an answer said `Connection: close`: nothing more is read or answered.
    private var closing = false

    init(service: OCSPResponderService, database: any Database, reader: OCSPSQLiteStatusReader?, metrics: LicnaMetrics, trustedProxies: [IPNetwork]) {
        self.service = service
        self.database = database
        self.reader = reader
        self.metrics = metrics
        self.trustedProxies = trustedProxies
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
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
            let received = Received(head: head, body: tooLarge ? nil : body)
            guard !answering else {
                waiting.append(received)
                if waiting.count > Self.maximumWaitingRequests { close(context: context) }
                return
            }
            answer(received, context: context)
        }
    }

    /// A request the decoder cannot read is answered `400 Bad Request` and the connection closed (RFC 9112 §2.2).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !closing else { return }
        if error is HTTPParserError, !answering {
            write(OCSPResponderService.error(.malformedRequest), status: .badRequest, version: .http1_1, keepAlive: false, context: context)
        } else {
            close(context: context)
        }
    }

    private func answer(_ received: Received, context: ChannelHandlerContext) {
        let head = received.head
        let keepAlive = head.isKeepAlive
        func reply(_ answer: OCSPResponderService.Answer, _ status: HTTPResponseStatus = .ok, keepAlive: Bool = keepAlive) {
            write(answer, status: status, version: head.version, keepAlive: keepAlive, context: context)
        }
        let request: [UInt8]
        switch head.method {
        case .POST:
            guard head.headers.first(name: "content-type")?.lowercased().hasPrefix("application/ocsp-request") == true else {
                return reply(OCSPResponderService.error(.malformedRequest), .unsupportedMediaType)
            }
            guard let body = received.body else {
                return reply(OCSPResponderService.error(.malformedRequest), .payloadTooLarge, keepAlive: false)
            }
            request = Array(buffer: body)
        case .GET:
            // Everything after the first "/" (or after "/pki/ocsp/"): base64 may itself hold "/" and "//".
            var path = Substring(head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            path = path.hasPrefix("/pki/ocsp/") ? path.dropFirst("/pki/ocsp/".count) : path.dropFirst()
            guard !path.isEmpty, let decoded = TrustController.decodeBase64Path(String(path)) else {
                return reply(OCSPResponderService.error(.malformedRequest))
            }
            request = decoded
        default:
            return reply(OCSPResponderService.error(.malformedRequest), .methodNotAllowed, keepAlive: false)
        }
        if let cached = service.cachedAnswer(for: request) { return reply(cached) }
        // The channel's address, cached at accept; the context's asks the socket again (`getpeername`).
        let client = ClientAddress.resolve(peer: context.channel.remoteAddress.flatMap(ClientAddress.init(socket:)), forwardedFor: head.headers["X-Forwarded-For"],
                                           trustedProxies: trustedProxies)
        // Errors, requests without a nonce whose statuses are cached, and — on SQLite — every status read are
        // answered here on the event loop: a signature and an indexed read cost less than the hops to a task and to
        // the driver's thread and back. Only a PostgreSQL read (or a failed SQLite one) takes a task.
        let pending: OCSPResponderService.PendingAnswer
        switch service.prepare(request, client: client) {
        case .answered(let answer): return reply(answer)
        case .needsStatus(let waiting): pending = waiting
        }
        if let reader, let answer = service.complete(pending, reader: reader) {
            metrics.ocspStatusReadsFromFile.increment()
            return reply(answer)
        }
        metrics.ocspStatusReadsThroughDriver.increment()
        answering = true
        let boundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let (service, store, loop, version) = (self.service, OCSPSQLStatusStore(database: database), context.eventLoop, head.version)
        Task {
            let answer = await service.complete(pending, store: store)
            loop.execute {
                let handler = boundSelf.value
                handler.answering = false
                guard !handler.closing else { return }
                handler.write(answer, status: .ok, version: version, keepAlive: keepAlive, context: boundContext.value)
                handler.answerWaiting(context: boundContext.value)
            }
        }
    }

    /// Answers the requests that arrived while a task made the previous answer, until one takes a task again.
    private func answerWaiting(context: ChannelHandlerContext) {
        while !answering, !closing, !waiting.isEmpty {
            answer(waiting.removeFirst(), context: context)
        }
    }

    /// One buffer: the status line, `Content-Type`, `Content-Length`, the caching headers and `Connection`, then the
    /// body (RFC 9112 §4, §6; RFC 5019 §6.2). HTTP/1.0 clients that asked to keep the connection are told it is kept.
    private func write(_ answer: OCSPResponderService.Answer, status: HTTPResponseStatus, version: HTTPVersion, keepAlive: Bool,
                       context: ChannelHandlerContext) {
        metrics.ocspResponses.increment()
        var headers = [("Content-Type", "application/ocsp-response"), ("Content-Length", String(answer.body.readableBytes))]
        headers += service.cachingHeaders(for: answer)
        if !keepAlive {
            headers.append(("Connection", "close"))
        } else if version.major == 1, version.minor == 0 {
            headers.append(("Connection", "keep-alive"))
        }
        var buffer = context.channel.allocator.buffer(capacity: 256 + answer.body.readableBytes)
        buffer.writeString("HTTP/\(version.major).\(version.minor) \(status.code) \(status.reasonPhrase)\r\n")
        for (name, value) in headers { buffer.writeString("\(name): \(value)\r\n") }
        buffer.writeString("\r\n")
        var body = answer.body
        buffer.writeBuffer(&body)
        guard keepAlive else {
            closing = true
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in bound.value.close(promise: nil) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    private func close(context: ChannelHandlerContext) {
        closing = true
        waiting.removeAll()
        context.close(promise: nil)
    }
}
