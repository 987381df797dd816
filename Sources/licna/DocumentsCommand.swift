import ArgumentParser
import Foundation
import LicnaCommandLine
import LicnaCore
import LicnaServer

/// `licna documents`: what the institution does with the documents it issues.
struct Documents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Documents the state issues: seal a PDF with the institution's e-seal.", subcommands: [Seal.self])

    struct Seal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal a PDF with the institution's e-seal (PAdES B-T, timestamped by this installation's TSA).")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The PDF to seal.") var file: String
        @Option(name: [.short, .customLong("out")], help: "Output file.") var out: String

        func run() async throws {
            guard let pdf = FileManager.default.contents(atPath: file) else {
                throw explained(Exit.failed, "cli.import.unreadable", ["file": file])
            }
            let sealed = try await withInstallation(storage) { app in
                try await caOperation {
                    let trust = app.licna.trust
                    try await trust.reload(on: app.db)  // the TSA's key, for the signature timestamp
                    return try await trust.authority(on: app.db).seal(
                        pdf: Array(pdf), timestamps: InstallationTimestampAuthority(trust: trust, database: app.db),
                        context: AuditContext(actor: commandLineActor, purpose: .documentSeal))
                }
            }
            guard FileManager.default.createFile(atPath: out, contents: Data(sealed)) else {
                throw explained(Exit.failed, "cli.write-failed", ["path": out])
            }
            Terminal.say("cli.documents.sealed", ["file": file, "out": out])
        }
    }
}
