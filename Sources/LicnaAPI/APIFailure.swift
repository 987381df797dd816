import Foundation
import LicnaBasics

/// A Licna server answered a request with an error: its code and its message (already translated by the server)
/// reach the person through the commands' one mapping (`error.api.failed`), and its category follows from the HTTP
/// status, so the command exits as the server's verdict says (CONVENTIONS.md).
public struct APIFailure: LicnaError, Hashable {
    /// The address that answered.
    public var url: String
    /// The HTTP status; 0 when no HTTP answer came.
    public var status: Int
    /// The server's code; `.apiUnexpectedAnswer` when the answer was not the JSON error shape.
    public var code: ErrorCode
    /// The server's message, or the start of whatever it sent.
    public var message: String

    public init(url: String, status: Int, code: ErrorCode, message: String) {
        self.url = url
        self.status = status
        self.code = code
        self.message = message
    }

    /// Reads an error answer: the `APIErrorBody` the server sends, or, from anything else, its first 300 bytes.
    public init(url: String, status: Int, body: Data) {
        if let decoded = try? JSONDecoder().decode(APIErrorBody.self, from: body) {
            self.init(url: url, status: status, code: decoded.error, message: decoded.message)
        } else {
            self.init(url: url, status: status, code: .apiUnexpectedAnswer, message: String(decoding: body.prefix(300), as: UTF8.self))
        }
    }

    public var category: ErrorCategory { ErrorCategory(httpStatus: status) }
    public var messageKey: String { "error.api.failed" }
    public var arguments: [String: String] { ["url": url, "status": String(status), "message": message] }
    public var detail: String { "\(url) answered \(status): \(message)" }

    /// Every code a client raises itself (the others come from the server).
    public static let allCodes: [ErrorCode] = [.apiUnexpectedAnswer]
}

extension ErrorCode {
    /// The server's answer was not what the API defines (not JSON, a field missing).
    public static let apiUnexpectedAnswer = ErrorCode("unexpected-answer")
}

extension ErrorCategory {
    /// The category of an HTTP error status, the inverse of the server's mapping (RFC 9110 §15).
    public init(httpStatus: Int) {
        switch httpStatus {
        case 400: self = .invalidInput
        case 401: self = .unauthorized
        case 403: self = .forbidden
        case 404: self = .notFound
        case 409: self = .conflict
        case 413: self = .tooLarge
        case 415: self = .unsupportedMediaType
        case 422: self = .refused
        case 429: self = .throttled
        case 500: self = .internal
        default: self = .unavailable
        }
    }
}
