import LicnaBasics

/// Why the master key (CONVENTIONS.md, "Secrets") cannot be used: it is missing, unreadable, malformed, or not the
/// key this installation's data is sealed under. Every case is a usage error (exit 2): the operator gives the
/// right key and runs the command again; nothing was changed.
public struct MasterKeyError: LicnaError, Hashable {
    public let code: ErrorCode
    public let messageKey: String
    public let arguments: [String: String]

    public var category: ErrorCategory { .usage }

    /// The key (from `origin`: the variable or the file) is not 32 bytes in hex or base64.
    public static func format(origin: String) -> MasterKeyError {
        MasterKeyError(code: .masterKeyFormat, messageKey: "error.master-key.format", arguments: ["origin": origin])
    }

    /// The key file cannot be read.
    public static func unreadable(path: String) -> MasterKeyError {
        MasterKeyError(code: .masterKeyUnreadable, messageKey: "error.master-key.unreadable", arguments: ["path": path])
    }

    /// The default key file cannot be created.
    public static func create(path: String) -> MasterKeyError {
        MasterKeyError(code: .masterKeyCreate, messageKey: "error.master-key.create", arguments: ["path": path])
    }

    /// With PostgreSQL the key is never created implicitly: every server must share one.
    public static let postgresExplicit = MasterKeyError(code: .masterKeyPostgresExplicit, messageKey: "error.master-key.postgres-explicit", arguments: [:])

    /// The key given is not the one this installation's data is sealed under.
    public static let wrong = MasterKeyError(code: .masterKeyWrong, messageKey: "error.master-key.wrong", arguments: [:])

    /// One error of every code, for the translation check.
    public static let allErrors: [MasterKeyError] = [format(origin: "x"), unreadable(path: "x"), create(path: "x"), postgresExplicit, wrong]
}

extension ErrorCode {
    public static let masterKeyFormat = ErrorCode("master-key-format")
    public static let masterKeyUnreadable = ErrorCode("master-key-unreadable")
    public static let masterKeyCreate = ErrorCode("master-key-create")
    public static let masterKeyPostgresExplicit = ErrorCode("master-key-postgres-explicit")
    public static let masterKeyWrong = ErrorCode("master-key-wrong")
}
