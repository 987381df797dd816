import ArgumentParser
import Foundation

/// `licna`: the operator's tool and the server.
@main
struct LicnaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "licna",
        abstract: "Licna: civil registry, eID and trust services — the operator's tool and the server.",
        discussion: "Exit status: 0 success, 1 the answer is no (invalid, not verified, refused), 2 usage error, 3 the operation failed.",
        subcommands: [
            Serve.self, Numbers.self, Registry.self, CA.self, Card.self, Documents.self, Verify.self, Audit.self, Backup.self, Restore.self, Bench.self,
        ]
    )

    /// Runs the command, mapping ArgumentParser's usage errors (64) to CONVENTIONS.md's exit status 2.
    static func main() async {
        // Everything Licna writes — the database, exports, backups, rejected rows — holds personal data or
        // secrets: readable by the owner only.
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

// Vapor re-exports ConsoleKit's Option and Flag; in this module they mean ArgumentParser's.
typealias Option<Value> = ArgumentParser.Option<Value>
typealias Flag<Value> = ArgumentParser.Flag<Value>
typealias Argument<Value> = ArgumentParser.Argument<Value>
