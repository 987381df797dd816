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
        let protocols = pki.grouped(OversizedBodyMiddleware())
        protocols.on(.POST, "ocsp", body: .collect(maxSize: ByteCount(integerLiteral: Self.maximumRequestBody)), use: ocspPost)
        protocols.on(.POST, "tsa", body: .collect(maxSize: ByteCount(integerLiteral: Self.maximumRequestBody)), use: timestamp)
        pki.get("ocsp", "**", use: ocspGet)
        pki.get("crl", ":file", use: crl)
        pki.get("ca", ":file", use: caCertificate)
        pki.get("pds", use: disclosureStatement)

        let api = routes.grouped(OfficerGuardMiddleware([.caOperator])).grouped("api", "pki", "certificates")
        api.post(use: issue)
        api.get(":serial", use: status)
        api.post(":serial", "revoke", use: revoke)
        api.post(":serial", "hold", use: hold)
        api.post(":serial", "release", use: release)
        routes.grouped(OfficerGuardMiddleware([.caOperator, .cardOfficer])).grouped("api", "pki").post("security-objects", use: securityObject)
        routes.grouped(OfficerGuardMiddleware([.caOperator, .cardOfficer])).grouped("api", "pki").post("virtual-card-attestation-keys", use: certifyAttestationKey)
    }

    // MARK: OCSP (RFC 6960 Appendix A.1: POST with application/ocsp-request, GET with base64 in the path)

    func ocspPost(_ request: Request) async throws -> Response {
        guard request.headers.contentType == HTTPMediaType(type: "application", subType: "ocsp-request") else {
            return ocspResponse(OCSPResponderService.error(.malformedRequest), status: .unsupportedMediaType, request)
        }
        let body = request.body.data.map { Array(buffer: $0) } ?? []
        guard body.count <= Self.maximumRequestBody else {  // a body that came whole, past the streaming limit
            return ocspResponse(OCSPResponderService.error(.malformedRequest), status: .payloadTooLarge, request)
        }
        let answer = await request.application.licna.trust.ocsp.respond(to: body, client: request.clientAddress, on: request.db)
        return ocspResponse(answer, status: .ok, request)
    }

    func ocspGet(_ request: Request) async throws -> Response {
        // The raw path after the prefix: base64 may hold "//", which the router's path components would drop.
        let encoded = String(request.url.path.dropFirst("/pki/ocsp/".count))
        guard encoded.utf8.count <= 4 * Self.maximumRequestBody / 3 + 4,
              let der = Self.decodeBase64Path(encoded) else {
            return ocspResponse(OCSPResponderService.error(.malformedRequest), status: .ok, request)
        }
        let answer = await request.application.licna.trust.ocsp.respond(to: der, client: request.clientAddress, on: request.db)
        return ocspResponse(answer, status: .ok, request)
    }

    private func ocspResponse(_ answer: OCSPResponderService.Answer, status: HTTPResponseStatus, _ request: Request) -> Response {
        request.application.licna.metrics.ocspResponses.increment()
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "ocsp-response")
        headers.add(contentsOf: request.application.licna.trust.ocsp.cachingHeaders(for: answer))
        return Response(status: status, headers: headers, body: .init(buffer: answer.body))
    }

    /// Turns Vapor's refusal of a body over 64 KB into the protocol's own error answer, so that OCSP and TSA
    /// clients get a response they can parse (RFC 6960 malformedRequest, RFC 3161 badRequest) with HTTP 413.
    struct OversizedBodyMiddleware: AsyncMiddleware {
        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            do {
                return try await next.respond(to: request)
            } catch let error as any AbortError where error.status == .payloadTooLarge {
                let isOCSP = request.url.path.hasPrefix("/pki/ocsp")
                let body = isOCSP ? OCSPResponseStatus.malformedRequest.unsignedResponse
                    : try TimeStampResponder.rejection(.badRequest, statusString: "the request is larger than 64 KB")
                var headers = HTTPHeaders()
                headers.contentType = HTTPMediaType(type: "application", subType: isOCSP ? "ocsp-response" : "timestamp-reply")
                headers.add(name: .cacheControl, value: "no-store")
                return Response(status: .payloadTooLarge, headers: headers, body: .init(buffer: ByteBuffer(bytes: body)))
            }
        }
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
            throw LicnaHTTPError.notFound
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "pkix-crl")
        // Caches may keep a CRL until its nextUpdate, and no longer.
        let maxAge = max(0, Int(stored.nextUpdate.timeIntervalSince(request.application.licna.configuration.clock.now).rounded(.down)))
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=\(maxAge), no-transform")
        headers.replaceOrAdd(name: .lastModified, value: HTTPDate.format(stored.thisUpdate))
        headers.replaceOrAdd(name: .expires, value: HTTPDate.format(stored.nextUpdate))
        headers.replaceOrAdd(name: .eTag, value: "\"crl-\(stored.number)\"")
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: stored.der)))
    }

    func caCertificate(_ request: Request) async throws -> Response {
        guard let file = request.parameters.get("file"), file.hasSuffix(".cer"),
              let name = AuthorityName(rawValue: String(file.dropLast(4))) else { throw LicnaHTTPError.notFound }
        let der = try await request.application.licna.trust.authority(on: request.db).certificateDER(of: name)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "pkix-cert")
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: der)))
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
