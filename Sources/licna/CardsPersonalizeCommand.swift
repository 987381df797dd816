import ArgumentParser
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCard
import LicnaCardClient
import LicnaCardCommands
import LicnaCommandLine
import LicnaCore
import LicnaDocuments
import LicnaServer

extension Cards {
    /// `licna cards personalize`: the personalization station. Through a `CardChannel` only (a virtual card file or a
    /// card in a PC/SC reader): authenticate with the transport key, generate both keys on the card, have the
    /// citizen CA certify them on hold, write the PIV objects, eMRTD files with EF.SOD and the identity
    /// application, random PIN, PUK and CAN, install the card's own management key (derived, versioned, never
    /// stored), end personalization; then the envelope, once.
    struct Personalize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Personalize the card of an approved application and write its PIN envelope (PDF) once.",
            discussion: "The envelope holds the PIN, PUK, CAN and suspension code; the installation stores none of them. It is written to a new file of mode 0600 (never overwritten), or to standard output with --envelope -.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "The approved application's id.") var application: String
        @OptionGroup var cardSelection: CardSelection
        @Option(help: "The card's transport key (hex) file; default for --card: FILE.transport-key.") var transportKey: String?
        @Option(help: "Where the PIN envelope (PDF) goes: a new file, or - for standard output.") var envelope: String
        @Flag(help: "Print the card as JSON (to standard error's neighbour: standard output; not with --envelope -).") var json = false

        func run() async throws {
            if json, envelope == "-" { throw explained(Exit.usage, "cli.cards.json-and-stdout") }
            let keyPath = transportKey ?? cardSelection.card.map { $0 + ".transport-key" }
            guard let keyPath else { throw explained(Exit.usage, "cli.cards.transport-key") }
            guard let text = try? String(contentsOfFile: keyPath, encoding: .utf8), let key = ASCIIHex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                  [16, 24, 32].contains(key.count) else {
                throw explained(Exit.usage, "cli.cards.transport-key-file", ["file": keyPath])
            }
            // The envelope's file is made before anything happens, so that a card is never personalized without a
            // place for its secrets.
            var envelopeHandle: FileHandle?
            if envelope != "-" {
                let descriptor = open(envelope, O_WRONLY | O_CREAT | O_EXCL, 0o600)
                guard descriptor >= 0 else { throw explained(Exit.failed, "cli.write-failed", ["path": envelope]) }
                envelopeHandle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            }
            let channel = try cardSelection.channel()
            let (applicationID, envelopePath) = (application, envelope)
            let outcome: CardStation.Outcome
            do {
                if let server = try officerClient(storage) {
                    outcome = try await CardStation.personalize(server: server, token: server.bearerToken ?? "", applicationID: try pathSegment(applicationID),
                                                                channel: channel, transportKey: key,
                                                                progress: { Terminal.say("cli.card.step." + $0.rawValue) })
                } else {
                outcome = try await withInstallation(storage) { app in
                    try await caOperation {
                        try await CardStation.personalize(app, applicationID: applicationID, channel: channel, transportKey: key,
                                                          progress: { Terminal.say("cli.card.step." + $0.rawValue) })
                    }
                }
                }
            } catch {
                if envelopePath != "-" { try? FileManager.default.removeItem(atPath: envelopePath) }
                if let error = error as? PIVError { throw explained(Exit.failed, "cli.cards.personalization-failed", ["detail": error.description]) }
                throw error
            }
            if let envelopeHandle {
                do { try envelopeHandle.write(contentsOf: outcome.envelope) } catch {
                    throw explained(Exit.failed, "cli.cards.envelope-lost", ["path": envelopePath, "card": outcome.view.cardNumber ?? ""])
                }
            } else {
                FileHandle.standardOutput.write(outcome.envelope)
            }
            if json { Terminal.print(try jsonText(outcome.view)) }
            Terminal.say("cli.cards.personalized", ["card": outcome.view.cardNumber ?? "", "path": envelopePath])
        }
    }
}
