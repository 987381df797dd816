import LicnaBasics
import LicnaCore

/// Errors of single sign-on that reach people (operators, citizens on the sign-in pages): a named code and a
/// translation key (`error.signon.<code>`). Protocol errors to relying parties are `OAuthError`s instead.
public struct SignOnError: LicnaError, Hashable {
    public let code: ErrorCode
    public let arguments: [String: String]

    public init(_ code: ErrorCode, _ arguments: [String: String] = [:]) {
        self.code = code
        self.arguments = arguments
    }

    public var messageKey: String { "error.signon." + code.rawValue.dropFirst("signon-".count) }

    public var category: ErrorCategory {
        switch code {
        case .signOnAccountExists, .signOnAdministratorExists: .conflict
        case .signOnUnknownAccount, .signOnUnknownPerson, .signOnUnknownClient: .notFound
        case .signOnKeyMismatch: .internal
        default: .invalidInput
        }
    }

    public static let allCodes: [ErrorCode] = [.signOnInvalidRequest, .signOnAccountExists, .signOnKeyMismatch, .signOnUnknownAccount, .signOnUnknownPerson,
                                                  .signOnAdministratorExists, .signOnUnknownClient]

    static func invalid(_ detail: String) -> SignOnError { SignOnError(.signOnInvalidRequest, ["detail": detail]) }
}

extension ErrorCode {
    public static let signOnInvalidRequest = ErrorCode("signon-invalid-request")
    /// An account with that email exists already.
    public static let signOnAccountExists = ErrorCode("signon-account-exists")
    /// The provider's sealed signing key does not open under this master key (or was moved to another row).
    public static let signOnKeyMismatch = ErrorCode("signon-key-mismatch")
    public static let signOnUnknownAccount = ErrorCode("signon-unknown-account")
    /// No registry person has that identification number.
    public static let signOnUnknownPerson = ErrorCode("signon-unknown-person")
    /// No relying party has that client id.
    public static let signOnUnknownClient = ErrorCode("signon-unknown-client")
    /// An account holds the administrator role already: the admin token names no other.
    public static let signOnAdministratorExists = ErrorCode("signon-administrator-exists")
}
