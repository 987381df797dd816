import Fluent
import Foundation
import LicnaPKI
import NIOCore
import Vapor
import X509

/// The public trust-service endpoints (OCSP, CRLs, CA certificates, TSA) and the officers' certificate API.
struct TrustController: RouteCollection {
    /// RFC 5019 §5: requests are small; anything over 64 KB is refused without being read further.
    static let maximumRequestBody = 64 * 1024

    func boot(routes: any RoutesBuilder) throws {
        let pki = routes.grouped("pki")
        pki.on(.POST, "ocsp", body: .stream, use: ocspPost)
        pki.get("ocsp", "**", use: ocspGet)
        pki.get("crl", ":file", use: crl)
        pki.get("ca", ":file", use: caCertificate)
        pki.get("pds", use: disclosureStatement)
        pki.on(.POST, "tsa", body: .stream, use: timestamp)

        let api = routes.grouped(OfficerGuardMiddleware()).grouped("api", "pki", "certificates")
        api.post(use: issue)
        api.get(":serial", use: status)
        api.post(":serial", "revoke", use: revoke)
        api.post(":serial", "hold", use: hold)
        api.post(":serial", "release", use: release)
    }

    // MARK: OCSP (RFC 6960 Appendix A.1: POST with application/ocsp-request, GET with base64 in the path)

    func ocspPost(_ request: Request) async throws -> Response {
        guard request.headers.contentType == HTTPMediaType(type: "application", subType: "ocsp-request") else {
            return ocspResponse(OCSPResponderService.error(.malformedRequest), status: .unsupportedMediaType, request)
        }
        guard let body = try await Self.collect(request) else {
            return ocspResponse(OCSPResponderService.error(.malformedRequest), status: .payloadTooLarge, request)
        }
        let answer = await request.application.licna.trust.ocsp.respond(to: body, client: request.remoteAddress?.ipAddress, on: request.db)
        return ocspResponse(answer, status: .ok, request)
    }

    func ocspGet(_ request: Request) async throws -> Response {
        let encoded = request.parameters.getCatchall().joined(separator: "/")
        guard encoded.utf8.count <= 4 * Self.maximumRequestBody / 3 + 4,
              let der = Self.decodeBase64Path(encoded) else {
            return ocspResponse(OCSPResponderService.error(.malformedRequest), status: .ok, request)
        }
        let answer = await request.application.licna.trust.ocsp.respond(to: der, client: request.remoteAddress?.ipAddress, on: request.db)
        return ocspResponse(answer, status: .ok, request)
    }

    /// RFC 5019 §6.2 caching headers, never promising more than the cache lifetime (60 s).
    private func ocspResponse(_ answer: OCSPResponderService.Answer, status: HTTPResponseStatus, _ request: Request) -> Response {
        request.application.licna.metrics.ocspResponses.increment()
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "ocsp-response")
        if let until = answer.cacheableUntil, let lastModified = answer.lastModified, let expires = answer.expires {
            let maxAge = max(0, min(60, Int(until.timeIntervalSinceNow.rounded(.down))))
            headers.add(name: .cacheControl, value: "public, max-age=\(maxAge), no-transform, must-revalidate")
            headers.add(name: .lastModified, value: lastModified)
            headers.add(name: .expires, value: expires)
        } else {
            headers.add(name: .cacheControl, value: "no-store")
        }
        return Response(status: status, headers: headers, body: .init(buffer: answer.body))
    }

    /// Reads a request body up to the limit; nil when it is larger.
    static func collect(_ request: Request) async throws -> [UInt8]? {
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > maximumRequestBody { return nil }
        var bytes: [UInt8] = []
        for try await var chunk in request.body {
            guard bytes.count + chunk.readableBytes <= maximumRequestBody else { return nil }
            bytes += chunk.readBytes(length: chunk.readableBytes) ?? []
        }
        return bytes
    }

    /// Base64 as clients put it in a URL: percent-encoded or not, standard or URL-safe alphabet.
    static func decodeBase64Path(_ text: String) -> [UInt8]? {
        var value = (text.removingPercentEncoding ?? text).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while value.count % 4 != 0 { value += "=" }
        return Data(base64Encoded: value).map(Array.init)
    }

    // MARK: CRLs and CA certificates

    func crl(_ request: Request) async throws -> Response {
        guard let file = request.parameters.get("file"), let name = CRLName(fileName: file),
              let stored = try await request.application.licna.trust.crls(on: request.db).crl(name) else {
            throw Abort(.notFound)
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "pkix-crl")
        // Caches may keep a CRL until its nextUpdate, and no longer.
        let maxAge = max(0, Int(stored.nextUpdate.timeIntervalSinceNow.rounded(.down)))
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=\(maxAge), no-transform")
        headers.replaceOrAdd(name: .lastModified, value: HTTPDate.format(stored.thisUpdate))
        headers.replaceOrAdd(name: .expires, value: HTTPDate.format(stored.nextUpdate))
        headers.replaceOrAdd(name: .eTag, value: "\"crl-\(stored.number)\"")
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: stored.der)))
    }

    func caCertificate(_ request: Request) async throws -> Response {
        guard let file = request.parameters.get("file"), file.hasSuffix(".cer"),
              let name = AuthorityName(rawValue: String(file.dropLast(4))) else { throw Abort(.notFound) }
        let hierarchy = try await request.application.licna.trust.authority(on: request.db).hierarchy()
        let authority = try hierarchy.authority(name)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "pkix-cert")
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: authority.der)))
    }

    func disclosureStatement(_ request: Request) async throws -> View {
        try await request.view.render("pds", LicnaPage(request, title: request.t("pds.title"), body: [String: String]()))
    }
}

/// RFC 9110 §5.6.7 IMF-fixdate, written without a DateFormatter (this is on the OCSP path).
enum HTTPDate {
    static func format(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
