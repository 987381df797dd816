import ArgumentParser
import Foundation
import LicnaCardCommands
import LicnaCore
import LicnaServer

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The hash-chained audit trail: verify it, or show who touched a person's record.",
        subcommands: [Verify.self, Show.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the whole chain; names the first broken entry (exit status 1).",
            discussion: "Output: `ok <entries>` or `broken <sequence> <altered|unlinked|missing>`. --json: {ok, entries, brokenEntry, reason}.")

        @OptionGroup var storage: StorageOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let result = try await withInstallation(storage) { app in
                try await app.licna.audit.verify(on: app.db)
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
                    let context = AuditContext(actor: commandLineActor, purpose: "audit-review")
                    let personID: UUID
                    if let uuid = UUID(uuidString: person) {
                        personID = uuid
                    } else if let number = try? IdentificationNumber(person),
                              let found = try await registry.find(.identificationNumber(number), context: context).first {
                        personID = found.id
                    } else {
                        throw RegistryError.notFound
                    }
                    return try await app.licna.audit.entries(touching: registry.auditObjectIDs(forPerson: personID), on: app.db)
                }
            } catch let error as RegistryError {
                throw explained(Exit.no, error.messageKey)
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
