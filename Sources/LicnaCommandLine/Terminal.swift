import ArgumentParser
import Foundation
import LicnaTranslations

/// Messages for people go to standard error, translated (LICNA_LANG, LC_ALL, LC_MESSAGES or LANG);
/// results for scripts go to standard output, untranslated.
public enum Terminal {
    public static let language = Translations.commandLineLanguage()

    public static func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        Translations.bundled.text(key, language, arguments)
    }

    /// Writes a translated message line to standard error.
    public static func say(_ key: String, _ arguments: [String: String] = [:]) {
        FileHandle.standardError.write(Data((text(key, arguments) + "\n").utf8))
    }

    /// Writes a line to standard output.
    public static func print(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    public static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

    /// A secret typed by a person: prompted on standard error with echo off; when standard input is not a
    /// terminal, the next line of it (CONVENTIONS.md: secrets never in arguments).
    public static func readSecret(_ prompt: String) -> String {
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
    public static var standardInputIsTerminal: Bool { isatty(0) == 1 }
}

/// Exit codes of CONVENTIONS.md.
public enum Exit {
    public static let no = ExitCode(1)
    public static let usage = ExitCode(2)
    public static let failed = ExitCode(3)
}

/// Says a translated message on standard error and gives the exit status to throw.
public func explained(_ exit: ExitCode, _ key: String, _ arguments: [String: String] = [:]) -> ExitCode {
    Terminal.say(key, arguments)
    return exit
}
