import ArgumentParser
import Foundation
import LicnaBasics
import LicnaCard
import LicnaCardClient
import LicnaCommandLine

/// `licna-card status` (also `licna card status`, formerly `show`): what the card holds and how many tries are left.
public struct CardStatus: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Read a card (virtual or through PC/SC): identity data, tries left, certificates, MRZ, passive authentication.",
        aliases: ["show"])
    @OptionGroup var cardSelection: CardSelection
    @Option(help: "The card access number, to read DG1 and DG2.") var can: String?
    @Option(help: "CSCA certificates (PEM) for passive authentication of the eMRTD data.") var csca: String?
    @Flag(help: "Print JSON.") var json = false

    public init() {}

    public func run() throws {
        let channel = try cardSelection.channel()
        let report = try CardReport.read(channel: channel, can: can, csca: csca.map(loadCertificates) ?? [], at: SystemWallClock().now)
        if json {
            Terminal.print(report.json())
        } else {
            for line in report.lines() { Terminal.print(line) }
        }
        if report.passiveAuthenticationFailed { throw Exit.no }
    }
}
