import LicnaBasics

/// The body of every error answer of the JSON APIs (CONVENTIONS.md): `{"error": code, "message": text}`, the code
/// for programs and the message, translated into the request's language, for people.
public struct APIErrorBody: Codable, Sendable, Hashable {
    /// The stable code (`ca-unknown-serial`, `unauthorized`, …).
    public var error: ErrorCode
    /// What went wrong and what to do, in the language of the request's `Accept-Language`.
    public var message: String

    public init(error: ErrorCode, message: String) {
        self.error = error
        self.message = message
    }
}
