import ArgumentParser
import Foundation
import LicnaBasics
import LicnaCardCommands
import LicnaCommandLine
import LicnaCard
import LicnaCardClient
import LicnaCore
import LicnaPKI
import LicnaServer

/// Whole personalizations in process against the installation's own CA (a development hierarchy, `ca init --dev`):
/// a virtual card image on disk with its attestation key, the PIN, PUK and CAN, two key pairs made on the card, the
/// authentication and signature certificates issued by the citizen CA (each a durable issuance with its audit
/// entry), and the eMRTD security object signed by the document signer, written back to the card. What
/// `licna card create --test-identity --data` does, without the process start. `scripts/benchmark` runs it.
struct BenchPersonalize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "personalize", abstract: "Card personalizations per second.")
    @OptionGroup var storage: StorageOptions
    @Option(help: "Cards to personalize.") var count = 50
    @Option(help: "Folder for the card images (removed afterwards).") var folder = NSTemporaryDirectory()

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let work = (folder as NSString).appendingPathComponent("licna-bench-personalize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let count = self.count
        let secrets = CardPersonalizer.Secrets(pin: "123456", puk: "12345678", can: "123456")
        let (times, total) = try await withInstallation(storage, trust: TrustConfiguration(acceptsDevelopmentCards: true)) { app in
            let service = app.licna.trust.authority(on: app.db)
            guard try await service.isDevelopmentHierarchy() else { throw explained(Exit.usage, "cli.card.test-identity-real-ca") }
            let manufacturer = try await service.developmentCardManufacturer()
            let authority = InstallationCardAuthority(service: service)
            // An adult's card (both keys and certificates), by the installation's card policy, as `card create --data`.
            let validity = try await service.cardPolicy().validity(birthDate: Card.Create.defaultBirthDate, issuedOn: app.licna.configuration.clock.today)
            var times: [Double] = []
            let all = ContinuousClock.now
            for index in 0..<count {
                let start = ContinuousClock.now
                let attestation = try manufacturer.makeAttestationKey(now: app.licna.configuration.clock.now)
                let attestationCertificate = try DEREncoding.encode(attestation.certificate)
                let created = try VirtualCard.create(at: (work as NSString).appendingPathComponent("card-\(index)")) {
                    $0.installAttestation(attestation.key, certificate: attestationCertificate)
                }
                let personalizer = CardPersonalizer(channel: SmartCardChannel(card: created.card), transportKey: created.transportKey)
                let holder = try Card.Create.holder("BENCH, Mark", birthDate: Card.Create.defaultBirthDate, validity: validity)
                let result = try await personalizer.personalize(holder, secrets: secrets, authority: authority, progress: { _ in })
                guard result.dataGroups.count >= 2 else { throw ValidationError("personalization returned no data groups") }
                times.append(Bench.seconds(start))
            }
            return (times, Bench.seconds(all))
        }
        let sorted = times.sorted()
        Terminal.print(String(format: "personalization (virtual card on disk, attestation key, PIN/PUK/CAN, two key pairs, two certificates, security object): %.1f cards/s; p50 %.1f ms, p99 %.1f ms over %d cards",
                              Double(count) / total, Bench.percentile(sorted, 0.5) * 1000, Bench.percentile(sorted, 0.99) * 1000, count))
    }
}
