import ArgumentParser
import Foundation
import LicnaBasics
import LicnaCommandLine
import LicnaCore
import LicnaServer

/// `licna cards`: the issuance of citizens' cards (docs/card.md, "Life of a card"): the country's card policy,
/// applications, personalization, delivery, suspension, replacement and statistics.
struct Cards: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Citizens' cards: applications, personalization, delivery, suspension, replacement, statistics and the card policy.",
        subcommands: [Apply.self, Approve.self, Personalize.self, Deliver.self, Suspend.self, Revoke.self, Replace.self, List.self, Show.self,
                      Stats.self, Contract.self, Policy.self])

    struct Policy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the card policy every card is issued by, or set the country's own (--set FILE).",
            discussion: """
                The defaults are Montenegro's: cards valid 5 years under 18, 10 years from 18 and 50 years from 75; certificates \
                at most 5 years and never past the card; the travel document (MRZ, DG1, EF.SOD) at most 10 years; signature \
                certificates from 18; legacy ID cards accepted until 2023-03-30; fingerprint images deleted at delivery (\
                "keepFingerprints": true where a law keeps them). FILE is JSON of the shape --json prints \
                (docs/card.md, "Policies"); it is checked before it is stored, and setting it is audited.
                """)

        @OptionGroup var storage: StorageOptions
        @Option(help: "A JSON file with the country's card policy to store.") var set: String?
        @Flag(help: "Print the policy as JSON.") var json = false

        func run() async throws {
            var replacement: CardIssuancePolicy?
            if let set {
                guard let data = FileManager.default.contents(atPath: set) else { throw explained(Exit.failed, "cli.import.unreadable", ["file": set]) }
                do {
                    replacement = try JSONDecoder().decode(CardIssuancePolicy.self, from: data)
                } catch {
                    throw explained(Exit.usage, "cli.cards.policy-format", ["file": set, "detail": Self.describe(error)])
                }
            }
            let policy = try await withInstallation(storage) { [replacement] app in
                try await caOperation {
                    let authority = app.licna.trust.authority(on: app.db)
                    if let replacement {
                        try await authority.setCardPolicy(replacement, context: AuditContext(actor: commandLineActor, purpose: .cardPolicy))
                    }
                    return try await authority.cardPolicy()
                }
            }
            if replacement != nil { Terminal.say("cli.cards.policy-set") }
            if json {
                Terminal.print(try jsonText(policy))
                return
            }
            for band in policy.cardValidity {
                Terminal.print(Terminal.text("cli.cards.policy-band", ["age": String(band.fromAge), "years": String(band.years)]))
            }
            Terminal.print(Terminal.text("cli.cards.policy-certificates", ["years": String(policy.certificateMaximumYears)]))
            Terminal.print(Terminal.text("cli.cards.policy-travel-document", ["years": String(policy.travelDocumentMaximumYears)]))
            Terminal.print(Terminal.text("cli.cards.policy-signature", ["age": String(policy.signatureCertificateMinimumAge)]))
            Terminal.print(Terminal.text(policy.keepFingerprints ? "cli.cards.policy-fingerprints-kept" : "cli.cards.policy-fingerprints-deleted"))
            for type in policy.documentTypes {
                Terminal.print(type.acceptedUntil.map {
                    Terminal.text("cli.cards.policy-document-until", ["type": type.id.rawValue, "date": $0.iso8601])
                } ?? Terminal.text("cli.cards.policy-document", ["type": type.id.rawValue]))
            }
        }

        /// What is wrong with a policy file, without echoing its contents.
        static func describe(_ error: any Error) -> String {
            switch error {
            case DecodingError.keyNotFound(let key, _): "the field \(key.stringValue) is missing"
            case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
                context.codingPath.isEmpty ? "it is not JSON" : "the field \(context.codingPath.map(\.stringValue).joined(separator: ".")) is not valid"
            default: "it is not JSON"
            }
        }
    }
}
