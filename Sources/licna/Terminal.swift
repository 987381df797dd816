import ArgumentParser
import Foundation
import LicnaServer

/// Messages for people go to standard error, translated (LICNA_LANG, LC_ALL, LC_MESSAGES or LANG);
/// results for scripts go to standard output, untranslated.
enum Terminal {
    static let language = Translations.commandLineLanguage()

    static func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        Translations.bundled.text(key, language, arguments)
    }

    /// Writes a translated message line to standard error.
    static func say(_ key: String, _ arguments: [String: String] = [:]) {
        FileHandle.standardError.write(Data((text(key, arguments) + "\n").utf8))
    }

    /// Writes a line to standard output.
    static func print(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static var standardErrorIsTerminal: Bool { isatty(2) == 1 }
    static var standardInputIsTerminal: Bool { isatty(0) == 1 }
}

/// Exit codes of CONVENTIONS.md.
enum Exit {
    static let no = ExitCode(1)
    static let usage = ExitCode(2)
    static let failed = ExitCode(3)
}

/// Says a translated message on standard error and gives the exit status to throw.
func explained(_ exit: ExitCode, _ key: String, _ arguments: [String: String] = [:]) -> ExitCode {
    Terminal.say(key, arguments)
    return exit
}
