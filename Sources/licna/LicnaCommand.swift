import ArgumentParser
import Foundation
import LicnaCardCommands
import LicnaCommandLine
import LicnaServer

/// `licna`: the operator's tool and the server.
@main
struct LicnaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "licna",
        abstract: "Licna: civil registry, eID and trust services — the operator's tool and the server.",
        discussion: "Exit status: 0 success, 1 the answer is no (invalid, not verified, refused), 2 usage error, 3 the operation failed.",
        subcommands: [
            Serve.self, Numbers.self, Registry.self, CA.self, Card.self, Cards.self, Documents.self, CardVerify.self, Audit.self, Backup.self, Restore.self, Bench.self, Clients.self, Accounts.self, SignOnKeys.self,
        ]
    )

    static func main() async {
        ConcurrencyExecutor.useEventLoops()
        await CommandLineMain.run(Self.self)
    }
}

// Vapor re-exports ConsoleKit's Option and Flag; in this module they mean ArgumentParser's.
typealias Option<Value> = ArgumentParser.Option<Value>
typealias Flag<Value> = ArgumentParser.Flag<Value>
typealias Argument<Value> = ArgumentParser.Argument<Value>
