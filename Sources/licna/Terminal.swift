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

    /// A secret typed by a person: prompted on standard error with echo off; when standard input is not a
    /// terminal, the next line of it (CONVENTIONS.md: secrets never in arguments).
    static func readSecret(_ prompt: String) -> String {
        guard standardInputIsTerminal else { return Swift.readLine(strippingNewline: true) ?? "" }
        FileHandle.standardError.write(Data(prompt.utf8))
        var original = termios()
        tcgetattr(0, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &silent)
        defer {
            tcsetattr(0, TCSAFLUSH, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return Swift.readLine(strippingNewline: true) ?? ""
    }
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
