import ArgumentParser
import Foundation
import LicnaBasics

/// How both executables run a command: usage errors exit 2, not ArgumentParser's 64 (CONVENTIONS.md), a `LicnaError`
/// says its translated message and exits as its category says (`LicnaError+ExitCode.swift`), and every file
/// written is the owner's only, since what Licna writes holds personal data or secrets.
public enum CommandLineMain {
    public static func run<Root: ParsableCommand>(_ root: Root.Type) async {
        umask(0o077)
        do {
            var command = try root.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as any LicnaError {
            Foundation.exit(error.explained().rawValue)
        } catch {
            if root.exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((root.fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            root.exit(withError: error)
        }
    }
}
