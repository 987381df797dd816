import ArgumentParser
import Foundation

/// How both executables run a command: usage errors exit 2, not ArgumentParser's 64 (CONVENTIONS.md), and every
/// file written is the owner's only, since what Licna writes holds personal data or secrets.
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
        } catch {
            if root.exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((root.fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            root.exit(withError: error)
        }
    }
}
