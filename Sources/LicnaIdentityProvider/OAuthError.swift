import Foundation

/// An error of the OAuth 2.0 / OpenID Connect protocol, from the registered catalogue (RFC 6749 §4.1.2.1 and §5.2,
/// OpenID Connect Core 1.0 §3.1.2.6, RFC 6750 §3.1). `description` goes to the client as `error_description`;
/// `debug` is for the server's log only and never reaches the client (as fosite keeps hint and debug apart).
public struct OAuthError: Error, Hashable, Sendable {
    public let code: Code
    /// What the integrator reads: ASCII, no personal data (RFC 6749 §5.2 limits the characters).
    public let description: String
    /// Detail for the log, never sent.
    public let debug: String?

    public init(_ code: Code, _ description: String, debug: String? = nil) {
        self.code = code
        self.description = String(description.unicodeScalars.filter { (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" })
        self.debug = debug
    }

    /// The registered error codes Licna uses.
    public enum Code: String, Sendable, CaseIterable {
        case invalidRequest = "invalid_request"
        case invalidClient = "invalid_client"
        case invalidGrant = "invalid_grant"
        case unauthorizedClient = "unauthorized_client"
        case unsupportedGrantType = "unsupported_grant_type"
        case unsupportedResponseType = "unsupported_response_type"
        case invalidScope = "invalid_scope"
        case accessDenied = "access_denied"
        case serverError = "server_error"
        case temporarilyUnavailable = "temporarily_unavailable"
        case loginRequired = "login_required"
        case consentRequired = "consent_required"
        case interactionRequired = "interaction_required"
        case requestNotSupported = "request_not_supported"
        case requestURINotSupported = "request_uri_not_supported"
        case registrationNotSupported = "registration_not_supported"
        /// OpenID Connect Core Error Code unmet_authentication_requirements 1.0: an essential `acr` this sign-in
        /// cannot reach.
        case unmetAuthenticationRequirements = "unmet_authentication_requirements"
        case invalidToken = "invalid_token"
        case insufficientScope = "insufficient_scope"
    }

    /// The HTTP status of a token-endpoint answer carrying this error (RFC 6749 §5.2: 401 for a client that failed
    /// to authenticate through the Authorization header, 400 otherwise; RFC 6750 §3.1 for the resource endpoints).
    public var httpStatus: Int {
        switch code {
        case .invalidClient, .invalidToken: 401
        case .insufficientScope: 403
        case .serverError: 500
        case .temporarilyUnavailable: 503
        default: 400
        }
    }

    /// The fields of the JSON body or of the redirect's query (RFC 6749 §4.1.2.1, §5.2).
    public var fields: [(name: String, value: String)] {
        [("error", code.rawValue), ("error_description", description)]
    }

    static func invalidRequest(_ description: String, debug: String? = nil) -> OAuthError { .init(.invalidRequest, description, debug: debug) }
    static func invalidGrant(_ description: String, debug: String? = nil) -> OAuthError { .init(.invalidGrant, description, debug: debug) }
    static func invalidClient(_ description: String, debug: String? = nil) -> OAuthError { .init(.invalidClient, description, debug: debug) }
}
