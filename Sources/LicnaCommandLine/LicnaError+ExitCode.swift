import ArgumentParser
import Foundation
import LicnaBasics

extension ErrorCategory {
    /// The one mapping from an error's category to the exit status of CONVENTIONS.md: 1 the answer is "no" (not
    /// valid, refused, not found, in conflict), 2 a usage error (a wrong option or secret, too large an input),
    /// 3 the operation failed (unauthorized, unavailable, internal).
    public var exitStatus: Int32 {
        switch self {
        case .invalidInput, .refused, .notFound, .conflict: 1
        case .usage, .tooLarge, .unsupportedMediaType: 2
        case .unauthorized, .forbidden, .throttled, .unavailable, .internal: 3
        }
    }
}

extension LicnaError {
    /// The exit status of the error's category.
    public var exitCode: ExitCode { ExitCode(category.exitStatus) }

    /// The translated message for people (`messageKey` with `arguments`).
    public var translatedMessage: String { Terminal.text(messageKey, arguments) }

    /// Says the translated message on standard error and gives the exit status to throw: how both executables
    /// report every `LicnaError` (`CommandLineMain` does it for those that reach it).
    public func explained() -> ExitCode {
        Terminal.say(messageKey, arguments)
        return exitCode
    }
}
