import ArgumentParser
import Foundation
import LicnaCommandLine
import LicnaCore
import LicnaServer

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The hash-chained audit trail: verify it, anchor it with signed checkpoints, or show who touched a person's record.",
        subcommands: [Verify.self, Checkpoint.self, Show.self])

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a signed, timestamped checkpoint of the chain's head; keep it outside the database.",
            discussion: """
                The text (docs/threat_model.md, "Audit checkpoints") names the sequence and hash of the last entry and carries \
                the installation TSA's RFC 3161 token over them. The server also writes one every hour (serve \
                --audit-checkpoint-minutes) and serves the newest at /audit/checkpoint. `licna audit verify --checkpoint FILE` \
                proves the chain still extends it.
                """)

        @OptionGroup var storage: StorageOptions
        @Option(name: [.short, .customLong("out")], help: "Where to write the checkpoint, or - for standard output.") var out = "-"

        func run() async throws {
            let checkpoint = try await withInstallation(storage) { app in
                try await caOperation {
                    try await app.licna.trust.reload(on: app.db)  // the TSA's key, which signs the checkpoint
                    return try await app.licna.auditCheckpoints.write(on: app.db)
                }
            }
            try writeOutput(checkpoint.text, to: out, secret: false)
            Terminal.say("cli.audit.checkpoint-written", ["sequence": "\(checkpoint.sequence)"])
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the whole chain; names the first broken entry (exit status 1).",
            discussion: "Output: `ok <entries>` or `broken <sequence> <altered|unlinked|missing>`. --json: {ok, entries, brokenEntry, reason}.")

        @OptionGroup var storage: StorageOptions
        @Flag(help: "Print JSON.") var json = false
        @Option(help: "A saved checkpoint (`licna audit checkpoint`, /audit/checkpoint) the chain must still extend; repeat for more.")
        var checkpoint: [String] = []
        @Option(name: .customLong("root-sha256"), help: "With --checkpoint: the root fingerprint `licna ca init` printed, if the database's root is not to be trusted.")
        var rootSHA256: String?

        func run() async throws {
            var checkpoints: [(String, AuditCheckpoint)] = []
            for path in checkpoint {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw explained(Exit.failed, "cli.import.unreadable", ["file": path]) }
                do { checkpoints.append((path, try AuditCheckpoint(text: text))) } catch {
                    throw explained(Exit.usage, "cli.audit.checkpoint-format", ["file": path, "detail": error.description])
                }
            }
            var pin: [UInt8]?
            if let rootSHA256 {
                guard let bytes = HexArgument.sha256Fingerprint(rootSHA256) else {
                    throw explained(Exit.usage, "cli.server.root-pin-format", ["value": String(rootSHA256.prefix(100))])
                }
                pin = bytes
            }
            let (result, findings) = try await withInstallation(storage) { [checkpoints, pin] app in
                let result = try await app.licna.audit.verify(on: app.db)
                var findings: [(String, AuditCheckpoint, AuditCheckpointService.Finding)] = []
                for (path, checkpoint) in checkpoints {
                    if let finding = try await caOperation({ try await app.licna.auditCheckpoints.check(checkpoint, on: app.db, rootSHA256: pin) }) {
                        findings.append((path, checkpoint, finding))
                    }
                }
                return (result, findings)
            }
            for (path, checkpoint, finding) in findings {
                let arguments = ["file": path, "sequence": "\(checkpoint.sequence)"]
                switch finding {
                case .badSignature(let detail): Terminal.print("checkpoint \(path) unsigned"); Terminal.say("cli.audit.checkpoint-signature", arguments.merging(["detail": detail]) { $1 })
                case .otherOrigin(let origin): Terminal.print("checkpoint \(path) other-origin"); Terminal.say("cli.audit.checkpoint-origin", arguments.merging(["origin": origin]) { $1 })
                case .truncated(let have): Terminal.print("checkpoint \(path) truncated \(checkpoint.sequence)"); Terminal.say("cli.audit.checkpoint-truncated", arguments.merging(["have": "\(have)"]) { $1 })
                case .rewritten: Terminal.print("checkpoint \(path) rewritten \(checkpoint.sequence)"); Terminal.say("cli.audit.checkpoint-rewritten", arguments)
                }
            }
            if json {
                var object: [String: Any] = ["ok": result.firstBreak == nil, "entries": result.entries]
                if let broken = result.firstBreak { object["brokenEntry"] = broken.sequence; object["reason"] = broken.reason.rawValue }
                Terminal.print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            } else if let broken = result.firstBreak {
                Terminal.print("broken \(broken.sequence) \(broken.reason.rawValue)")
            } else {
                Terminal.print("ok \(result.entries)")
            }
            if let broken = result.firstBreak {
                Terminal.say("cli.audit.broken", ["sequence": "\(broken.sequence)", "reason": Terminal.text("cli.audit.reason.\(broken.reason.rawValue)")])
                throw Exit.no
            }
            if !findings.isEmpty { throw Exit.no }
            if !checkpoints.isEmpty { Terminal.say("cli.audit.checkpoints-ok", ["count": "\(checkpoints.count)"]) }
            Terminal.say("cli.audit.ok", ["count": "\(result.entries)"])
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List who touched a person's record: time, actor, action, purpose.",
            discussion: "--person takes the identification number (9 digits) or the internal person id (UUID). --json prints an array of {sequence, time, actor, purpose, action, objectType, objectId, detail}.")

        @OptionGroup var storage: StorageOptions
        @Option(help: "Identification number or person id.") var person: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let person = self.person
            let records: [AuditRecord]
            do {
                records = try await withInstallation(storage) { app in
                    let registry = app.licna.registry(on: app.db)
                    let context = AuditContext(actor: commandLineActor, purpose: .auditReview)
                    let personID: PersonID
                    if let uuid = UUID(uuidString: person) {
                        personID = PersonID(uuid)
                    } else if let number = try? IdentificationNumber(person),
                              let found = try await registry.find(.identificationNumber(number), context: context).first {
                        personID = found.id
                    } else {
                        throw RegistryError.notFound
                    }
                    return try await app.licna.audit.entries(touching: registry.auditObjectIDs(forPerson: personID), on: app.db)
                }
            } catch let error as RegistryError {
                throw error.explained()
            }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if json {
                let array: [[String: Any]] = records.map {
                    ["sequence": $0.sequence, "time": formatter.string(from: $0.time), "actor": $0.actor, "purpose": $0.purpose,
                     "action": $0.action, "objectType": $0.objectType, "objectId": $0.objectID ?? NSNull(), "detail": $0.detail ?? NSNull()]
                }
                Terminal.print(String(decoding: try JSONSerialization.data(withJSONObject: array, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
            } else {
                for record in records {
                    Terminal.print([String(record.sequence), formatter.string(from: record.time), record.actor, record.action, record.purpose].joined(separator: "\t"))
                }
            }
        }
    }
}
