import ArgumentParser
import LicnaCardCommands
import LicnaCommandLine

/// `licna-card`: what a citizen installs to use the eID card (CONVENTIONS.md) — read it, sign with it, verify
/// signatures, plug a virtual card into pcscd. Built without Vapor or Fluent.
@main
struct LicnaCardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "licna-card",
        abstract: "Licna eID card: activate it, read it, sign files with it, verify signatures, change or unblock the PIN, suspend a lost card.",
        discussion: "Exit status: 0 success, 1 the answer is no (invalid, not verified, refused), 2 usage error, 3 the operation failed.",
        subcommands: [CardStatus.self, CardActivate.self, CardAgent.self, CardSuspend.self, CardResume.self, CardRenewCertificates.self, CardSign.self, CardVerify.self, CardChangePIN.self, CardUnblockPIN.self, CardInsert.self, CardAPDU.self]
    )

    static func main() async {
        await CommandLineMain.run(Self.self)
    }
}
