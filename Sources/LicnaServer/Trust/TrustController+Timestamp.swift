import Foundation
import LicnaPKI
import NIOCore
import Vapor

/// RFC 3161 §3.4: the TSA over HTTP — `application/timestamp-query` in, `application/timestamp-reply` out.
/// Every failure is a TimeStampResp with status rejection and its PKIFailureInfo.
extension TrustController {
    func timestamp(_ request: Request) async throws -> Response {
        let reply: [UInt8]
        let status: HTTPResponseStatus
        if request.headers.contentType != HTTPMediaType(type: "application", subType: "timestamp-query") {
            reply = try TimeStampResponder.rejection(.badRequest, statusString: "the content type must be application/timestamp-query")
            status = .unsupportedMediaType
        } else if let data = request.body.data, data.readableBytes > Self.maximumRequestBody {
            reply = try TimeStampResponder.rejection(.badRequest, statusString: "the request is larger than 64 KB")
            status = .payloadTooLarge
        } else if let client = request.clientAddress,
                  !request.application.licna.trust.timestamps.limiter.allow(client.limitKey, now: request.application.licna.configuration.clock.now) {
            // Each timestamp is a signature: one client may not take the TSA from everyone else.
            reply = try TimeStampResponder.rejection(.systemFailure, statusString: "too many timestamp requests from this address; try again in a second")
            status = .tooManyRequests
        } else {
            let body = request.body.data.map { Array(buffer: $0) } ?? []
            reply = await request.application.licna.trust.timestamps.respond(to: body, on: request.db)
            status = .ok
        }
        request.application.licna.metrics.timestamps.increment()
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "timestamp-reply")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if status == .tooManyRequests { headers.replaceOrAdd(name: .retryAfter, value: "1") }
        return Response(status: status, headers: headers, body: .init(buffer: ByteBuffer(bytes: reply)))
    }
}
