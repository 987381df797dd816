import ArgumentParser
import Foundation
import LicnaBasics
import LicnaCard
import LicnaCardClient
import LicnaCommandLine

/// The hidden `apdu` command: raw APDUs to a virtual card in this process, for tests.
public struct CardAPDU: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "apdu",
        abstract: "Send raw APDUs (hex) to a virtual card in this process and print each response (hex); for tests.",
        shouldDisplay: false)
    @Option(help: "The card image.") var card: String
    @Argument(help: "Command APDUs in hexadecimal.") var apdus: [String]

    public init() {}

    public func run() throws {
        let virtualCard = try openCard(card)
        for text in apdus {
            guard let bytes = HexArgument.bytes(text) else { throw explained(Exit.usage, "cli.card.hex", ["value": text]) }
            Terminal.print(ASCIIHex.encode(virtualCard.transmit(bytes), uppercase: true))
        }
    }
}
