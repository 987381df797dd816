/// The one shape of every error Licna raises on purpose: a named ``ErrorCode`` for programs, a translation key
/// (with arguments) for the person who reads the message, and a detail for logs that never holds personal numbers.
///
/// The server maps every `LicnaError` to its HTTP status and the JSON error shape `{"error": code, "message": text}`
/// through ``category``; the commands map it to their exit status the same way; nothing branches on message text.
public protocol LicnaError: Error, Sendable, CustomStringConvertible {
    /// The stable code.
    var code: ErrorCode { get }
    /// What kind of failure this is.
    var category: ErrorCategory { get }
    /// The key of the message for people in the translation files; by default `error.<code>`.
    var messageKey: String { get }
    /// Values substituted into the message (`{name}`); never personal numbers.
    var arguments: [String: String] { get }
    /// Detail for logs and developers; never shown to citizens, never personal numbers.
    var detail: String { get }
}

extension LicnaError {
    public var messageKey: String { "error." + code.rawValue }
    public var arguments: [String: String] { [:] }
    public var detail: String { "" }
    public var description: String { detail.isEmpty ? code.rawValue : "\(code.rawValue): \(detail)" }
}
