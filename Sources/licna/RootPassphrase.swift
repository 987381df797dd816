import ArgumentParser
import Foundation
import LicnaCommandLine

/// Reads the root key's passphrase: from a file, from LICNA_ROOT_PASSPHRASE, from a terminal prompt without
/// echo, or as one line of standard input when it is not a terminal (CONVENTIONS.md: secrets never in arguments).
enum RootPassphrase {
    static func read(file: String?, confirm: Bool) throws -> String {
        if let file {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw explained(Exit.failed, "cli.import.unreadable", ["file": file])
            }
            return try checked(text.trimmingCharacters(in: .newlines))
        }
        if let text = ProcessInfo.processInfo.environment["LICNA_ROOT_PASSPHRASE"], !text.isEmpty { return try checked(text) }
        guard Terminal.standardInputIsTerminal else {
            guard let line = Swift.readLine(strippingNewline: true) else { throw explained(Exit.usage, "cli.ca.passphrase-missing") }
            return try checked(line)
        }
        let first = Terminal.readSecret(Terminal.text("cli.ca.passphrase-prompt"))
        if confirm {
            guard Terminal.readSecret(Terminal.text("cli.ca.passphrase-again")) == first else { throw explained(Exit.usage, "cli.ca.passphrase-mismatch") }
        }
        return try checked(first)
    }

    private static func checked(_ passphrase: String) throws -> String {
        guard passphrase.count >= 12 else { throw explained(Exit.usage, "cli.ca.passphrase-short") }
        return passphrase
    }
}
