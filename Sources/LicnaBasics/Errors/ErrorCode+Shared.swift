/// Codes that errors of several modules raise with the same meaning. They are declared once, here, so that a module
/// importing two others never sees two constants of the same name; each error type still has its own message key.
extension ErrorCode {
    /// The bytes are not the structure the standard or format defines.
    public static let malformed = ErrorCode("malformed")
    /// The thing named does not exist (a person, a page, a file, a font).
    public static let notFound = ErrorCode("not-found")
    /// The request is not valid (an HTTP request that does not decode; RFC 3161 `badRequest`).
    public static let badRequest = ErrorCode("bad-request")
    /// A file is larger than the configured limit.
    public static let fileTooLarge = ErrorCode("file-too-large")
}
