import ArgumentParser
import Foundation
import LicnaCard
import LicnaCardClient
import LicnaCommandLine

/// `licna-card insert` (also `licna card insert`): serves a virtual card through vsmartcard's vpcd reader, so that
/// pcscd and every PC/SC application see it as a card in a reader.
public struct CardInsert: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "insert",
        abstract: "Plug a virtual card into pcscd through vsmartcard's vpcd reader and serve it until interrupted.")
    @Option(help: "The card image.") var card: String
    @Option(help: "vpcd's address inside pcscd.") var vpcd = "127.0.0.1:35963"

    public init() {}

    public func run() throws {
        let parts = vpcd.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw explained(Exit.usage, "cli.card.vpcd-format") }
        let virtualCard = try openCard(card)
        let stop = VPCDConnection.Stop.onSignals()
        do {
            let connection = try VPCDConnection(host: String(parts[0]), port: port)
            Terminal.say("cli.card.inserted", ["path": card, "reader": vpcd])
            let end = try connection.run(card: virtualCard, until: stop)
            connection.close()
            Terminal.say(end == .peerClosed ? "cli.card.reader-closed" : "cli.card.removed")
        } catch {
            throw explained(Exit.failed, "cli.card.vpcd-failed", ["detail": error.description])
        }
    }
}
