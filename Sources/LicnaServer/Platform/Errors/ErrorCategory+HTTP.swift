import LicnaBasics
import Vapor

extension ErrorCategory {
    /// The one mapping from an error's category to its HTTP status (RFC 9110 §15).
    var httpStatus: HTTPResponseStatus {
        switch self {
        case .invalidInput, .usage: .badRequest
        case .refused: .unprocessableEntity
        case .notFound: .notFound
        case .conflict: .conflict
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .tooLarge: .payloadTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .throttled: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }
}

extension LicnaError {
    /// The HTTP status of the error's category.
    var httpStatus: HTTPResponseStatus { category.httpStatus }
}
