import ArgumentParser
import Foundation
import LicnaBasics
import LicnaCard
import LicnaCardClient
import LicnaCommandLine

/// `licna-card status` (also `licna card status`, formerly `show`): what the card holds and how many tries are left.
public struct CardStatus: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Read a card (virtual or through PC/SC): identity data, tries left, certificates, MRZ, passive authentication.",
        aliases: ["show"])
    @OptionGroup var cardSelection: CardSelection
    @Option(help: "The card access number, to read DG1 and DG2.") var can: String?
    @Option(help: "CSCA certificates (PEM) for passive authentication of the eMRTD data.") var csca: String?
    @Option(help: "The issuing Licna server: ask its OCSP responder about each certificate (https, or http with --root-sha256).") var server: String?
    @Option(help: "SHA-256 of the server's root certificate (for an http server).") var rootSHA256: String?
    @Flag(help: "Print JSON.") var json = false

    public init() {}

    public func run() async throws {
        let channel = try cardSelection.channel()
        var report = try CardReport.read(channel: channel, can: can, csca: csca.map(loadCertificates) ?? [], at: SystemWallClock().now)
        if let server {
            let root = try await ServerTrustAnchor(option: rootSHA256).root(of: server)
            let client = CertificateStatusClient(server: try LicnaServerClient(server: server).base, root: root, clock: SystemWallClock())
            for (slot, certificate) in report.certificates { report.certificateStatus[slot] = await client.status(of: certificate) }
        }
        if json {
            Terminal.print(report.json())
        } else {
            for line in report.lines() { Terminal.print(line) }
        }
        if report.passiveAuthenticationFailed { throw Exit.no }
    }
}
