import LicnaAPI
import LicnaBasics
import Vapor

/// Turns every error into `{"error": code, "message": text}` (``APIErrorBody``) under `/api/` and into a page
/// elsewhere, with the message in the request's language. One mapping for every ``LicnaError``: the status comes from
/// its category (`ErrorCategory.httpStatus`), the code and message from the error. Errors that are not a
/// `LicnaError` (Vapor's decoding and routing errors, anything unexpected) become one of `LicnaHTTPError`'s.
/// Internal details go to the log, never to the client.
struct LicnaErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let (licnaError, status) = Self.describe(error)
            let body = APIErrorBody(error: licnaError.code, message: request.t(licnaError.messageKey, licnaError.arguments))
            if status == .internalServerError {
                // Error descriptions may quote input; outside development only the type is logged.
                let detail = request.application.licna.configuration.isDevelopment ? String(describing: error) : String(reflecting: type(of: error))
                request.logger.error("request failed", metadata: ["error": "\(detail)", "path": "\(request.url.path)"])
            }
            if request.url.path.hasPrefix("/api/") || !(request.headers.accept.mediaTypes.contains(.html)) {
                let response = Response(status: status)
                try response.content.encode(body)
                return response
            }
            guard let view = try? await request.view.render("error", LicnaPage(request, title: request.t("error.title"), body: ["message": body.message, "code": body.error.rawValue])) else {
                return Response(status: status, body: .init(string: body.message))
            }
            let response = try await view.encodeResponse(for: request)
            response.status = status
            return response
        }
    }

    /// The `LicnaError` that describes `error` and the status of the answer: itself and its category's status when
    /// it is one; else the nearest of `LicnaHTTPError`'s, keeping the status of Vapor's own `AbortError`s.
    static func describe(_ error: any Error) -> (any LicnaError, HTTPResponseStatus) {
        switch error {
        case let error as any LicnaError: (error, error.httpStatus)
        case is DecodingError: (LicnaHTTPError.badRequest, .badRequest)
        case let error as any AbortError where error.status == .payloadTooLarge: (LicnaHTTPError.tooLarge, error.status)
        case let error as any AbortError where error.status == .notFound: (LicnaHTTPError.notFound, error.status)
        case let error as any AbortError where error.status.code < 500: (LicnaHTTPError.badRequest, error.status)
        case let error as any AbortError: (LicnaHTTPError.internalError, error.status)
        default: (LicnaHTTPError.internalError, .internalServerError)
        }
    }
}
