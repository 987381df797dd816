import ArgumentParser
import Foundation
import LicnaBasics
import LicnaCommandLine
import LicnaCore
import LicnaServer
import Vapor

/// Where a command finds its state: exactly one of `--data`, `--database`, `--server` (CONVENTIONS.md).
struct StorageOptions: ParsableArguments {
    @Option(name: .long, help: "Data folder of the embedded SQLite database (default ./licna-data).")
    var data: String?

    @Option(name: .long, help: "PostgreSQL URL (postgres://user@host/db); the password may come from PGPASSWORD.")
    var database: String?

    @Option(name: .long, help: "A running Licna server's URL (not yet supported by this command).")
    var server: String?

    @Option(name: .long, help: "File holding the master key (default: LICNA_MASTER_KEY, else ~/.config/licna/master.key for SQLite).")
    var masterKeyFile: String?

    func validate() throws {
        if [data, database, server].compactMap({ $0 }).count > 1 {
            throw ValidationError(Terminal.text("cli.storage.one-of"))
        }
    }

    var location: StorageLocation {
        if var url = database {
            if let password = ProcessInfo.processInfo.environment["PGPASSWORD"], var components = URLComponents(string: url),
               components.password == nil, !password.isEmpty {
                components.password = password
                url = components.string ?? url
            }
            return .postgres(url: url)
        }
        return .sqlite(directory: data ?? "./licna-data")
    }

    /// Loads the master key, explaining failures.
    func masterKey(announce: Bool = true) throws -> MasterKey {
        // A MasterKeyError is reported by CommandLineMain (exit 2).
        let loaded = try MasterKeySource(keyFile: masterKeyFile).load(for: location)
        if loaded.created, announce { Terminal.say("cli.master-key.created", ["path": loaded.origin]) }
        return loaded.key
    }

    func rejectServer() throws {
        if server != nil { throw explained(Exit.usage, "cli.server-not-supported") }
    }
}

/// Opens the installation's database for a command, runs `body`, and shuts down cleanly.
func withInstallation<T: Sendable>(_ storage: StorageOptions, poolReserve: Int = 10_000, trust: TrustConfiguration = TrustConfiguration(),
                                   _ body: @Sendable (Application) async throws -> T) async throws -> T {
    try storage.rejectServer()
    let key = try storage.masterKey()
    var environment = Environment(name: "production", arguments: ["licna"])
    environment.commandInput.arguments = []
    let app = try await Application.make(environment)
    // LOG_LEVEL (trace, debug, info, notice, warning, error, critical) as Vapor reads it; warnings by default.
    app.logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
    do {
        let configuration = LicnaConfiguration(storage: storage.location, masterKey: key, poolReserve: poolReserve, clock: SystemWallClock(), trust: trust)
        do {
            try await configureLicna(app, configuration, options: .init(http: false))
        } catch let wrong as MasterKeyError {
            throw wrong.explained()
        } catch {
            Terminal.say("cli.storage.unavailable", ["storage": storage.location.safeDescription, "error": "\(error)"])
            throw ExitCode(3)
        }
        let result: T
        do {
            result = try await body(app)
        } catch let error as ExitCode {
            throw error
        } catch let error as any LicnaError {
            // Reported by the commands' one mapping (`LicnaError.explained()`).
            throw error
        } catch {
            // Anything else is the operation failing (I/O, database): transactions roll back, nothing half-written.
            Terminal.say("cli.operation-failed", ["error": "\(error)"])
            throw ExitCode(3)
        }
        try await app.asyncShutdown()
        return result
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
}

/// The actor the audit trail names for command-line work: the operating-system user.
var commandLineActor: String { "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? NSUserName()) }
