/// What kind of failure an error is, from which the server derives the HTTP status and the commands their exit
/// status (../shared/CONVENTIONS.md: 1 the answer is "no", 2 usage error, 3 the operation failed).
public enum ErrorCategory: Sendable, Hashable {
    /// The input is wrong (malformed, out of range, violates a profile): a request, document or number that is not
    /// valid. HTTP 400; exit 1.
    case invalidInput
    /// The command or request is used wrongly: an option or secret given with it is wrong or missing (a wrong
    /// passphrase, a fingerprint the operation needs). HTTP 400; exit 2.
    case usage
    /// The answer is "no": a signature does not verify, a PIN is wrong, a number is invalid. HTTP 422; exit 1.
    case refused
    /// The thing named does not exist. HTTP 404; exit 1.
    case notFound
    /// The request conflicts with the current state (already revoked, already initialized). HTTP 409; exit 1.
    case conflict
    /// The caller has not proved who they are. HTTP 401; exit 3.
    case unauthorized
    /// The caller is known but not allowed. HTTP 403; exit 3.
    case forbidden
    /// The input exceeds a configured limit. HTTP 413; exit 2.
    case tooLarge
    /// The input is not of a kind the operation takes (a body that is not a PDF where a PDF is sealed). HTTP 415;
    /// exit 2.
    case unsupportedMediaType
    /// Too many requests. HTTP 429; exit 3.
    case throttled
    /// A service or resource is not available now (not initialized, unreachable, a card missing). HTTP 503; exit 3.
    case unavailable
    /// Licna's own fault or the installation's state (a tampered database). HTTP 500; exit 3.
    case `internal`
}
