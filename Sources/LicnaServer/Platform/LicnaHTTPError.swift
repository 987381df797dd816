import Vapor

/// An error a handler raises on purpose: a status, a stable code for programs and a translated message for people.
struct LicnaHTTPError: Error, AbortError {
    let status: HTTPResponseStatus
    let code: String
    let messageKey: String
    var arguments: [String: String] = [:]
    var reason: String { code }
}

/// Turns every error into `{"error": code, "message": text}` under `/api/` and into a page elsewhere, with the
/// message in the request's language. Internal details go to the log, never to the client.
struct LicnaErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let (status, code, message) = describe(error, request)
            if status == .internalServerError {
                // Error descriptions may quote input; outside development only the type is logged.
                let detail = request.application.licna.configuration.isDevelopment ? String(describing: error) : String(reflecting: type(of: error))
                request.logger.error("request failed", metadata: ["error": "\(detail)", "path": "\(request.url.path)"])
            }
            if request.url.path.hasPrefix("/api/") || !(request.headers.accept.mediaTypes.contains(.html)) {
                let response = Response(status: status)
                try response.content.encode(["error": code, "message": message])
                return response
            }
            guard let view = try? await request.view.render("error", LicnaPage(request, title: request.t("error.title"), body: ["message": message, "code": code])) else {
                return Response(status: status, body: .init(string: message))
            }
            let response = try await view.encodeResponse(for: request)
            response.status = status
            return response
        }
    }

    private func describe(_ error: any Error, _ request: Request) -> (HTTPResponseStatus, String, String) {
        switch error {
        case let error as LicnaHTTPError:
            return (error.status, error.code, request.t(error.messageKey, error.arguments))
        case let error as RegistryError:
            return (error.status, error.code, request.t(error.messageKey))
        case let error as TrustError:
            return (error.httpStatus, error.code, request.t("error.trust." + error.code, ["detail": error.detail]))
        case is DecodingError:
            return (.badRequest, "bad-request", request.t("error.bad-request"))
        case let error as any AbortError where error.status == .payloadTooLarge:
            return (error.status, "too-large", request.t("error.too-large"))
        case let error as any AbortError:
            let code = error.status == .notFound ? "not-found" : (error.status.code < 500 ? "bad-request" : "internal")
            return (error.status, code, request.t(error.status == .notFound ? "error.not-found" : (error.status.code < 500 ? "error.bad-request" : "error.internal")))
        default:
            return (.internalServerError, "internal", request.t("error.internal"))
        }
    }
}
