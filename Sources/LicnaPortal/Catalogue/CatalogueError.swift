import LicnaBasics

/// An error of the service catalogue (message `error.catalogue.<code>`): a service file the loader refuses, or a
/// service that does not exist.
public typealias CatalogueError = CodedError<CatalogueErrorDomain>

public enum CatalogueErrorDomain: ErrorDomain {
    public static let messageKeyPrefix = "error.catalogue."
    public static let allCodes: [ErrorCode] = [.catalogueInvalidFile, .catalogueUnknownService, .catalogueBadLimit]

    public static func category(of code: ErrorCode) -> ErrorCategory {
        code == .catalogueUnknownService ? .notFound : .invalidInput
    }
}

extension ErrorCode {
    /// A service file (or `institutions.json`) is not valid; the detail names the file and what is wrong.
    public static let catalogueInvalidFile = ErrorCode("catalogue-invalid-file")
    /// A search's `limit` is not a whole number.
    public static let catalogueBadLimit = ErrorCode("catalogue-bad-limit")
    /// No service has this id.
    public static let catalogueUnknownService = ErrorCode("catalogue-unknown-service")
}
