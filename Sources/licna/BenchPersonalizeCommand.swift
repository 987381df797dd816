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

/// Whole personalizations in process, as the station makes them (`licna cards personalize`), against the
/// installation's own CA (a development hierarchy, `ca init --dev`): for approved applications of registered persons and
/// blank virtual cards on disk with their attestation keys (made before the clock starts: the manufacturer's work, not
/// the station's), each timed run is the personalization plan (the holder read from the registry, the JMBG opened, a new card number, the derived management
/// key), random PIN, PUK and CAN, two key pairs made on the card, the authentication and signature certificates issued
/// on hold by the citizen CA (each a durable issuance with its audit entries), the eMRTD security object signed by the
/// document signer, the PIN envelope rendered as PDF, and the card recorded. `scripts/benchmark` runs it.
struct BenchPersonalize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "personalize", abstract: "Card personalizations per second, end to end.")
    @OptionGroup var storage: StorageOptions
    @Option(help: "Cards to personalize.") var count = 50
    @Option(help: "Folder for the card images (removed afterwards).") var folder = NSTemporaryDirectory()
    @Option(help: "Stations working at once (each personalizes its share of the cards one after the other).") var parallel = 1

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard (1...64).contains(parallel) else { throw ValidationError("--parallel must be between 1 and 64") }
    }

    func run() async throws {
        let work = (folder as NSString).appendingPathComponent("licna-bench-personalize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let count = self.count
        let parallel = self.parallel
        let (times, total, envelopeBytes) = try await withInstallation(storage, trust: TrustConfiguration(acceptsDevelopmentCards: true)) { app in
            let service = app.licna.trust.authority(on: app.db)
            guard try await service.isDevelopmentHierarchy() else { throw explained(Exit.usage, "cli.card.test-identity-real-ca") }
            let manufacturer = try await service.developmentCardManufacturer()
            let cards = app.licna.cards(on: app.db)
            let context = AuditContext(actor: commandLineActor, purpose: .benchmark)
            // Approved applications of adults (both keys and certificates), made before the clock starts.
            var applications: [String] = []
            // Adults born on different days (a date, region and sex has 500 JMBG serials at most), so that runs repeat.
            let run = Int.random(in: 0..<3_000)
            for index in 0..<count {
                let born = CivilDate(app.licna.configuration.clock.today.adding(years: -40).startInUTC - Double((run + index) % 6_000) * 86_400, in: .gmt)
                let birth = BirthRegistration(givenName: "Marko", surname: "Benčmarković", birthDate: born, birthPlace: "Podgorica", sex: .male,
                                              regionCode: 21, address: "Njegoševa \(index + 1)", municipality: "Podgorica")
                let person = try await app.licna.registry(on: app.db).registerBirth(birth, context: context).person
                let application = try await cards.apply(identificationNumber: person.identificationNumber, photo: nil, language: "cnr",
                                                        contractAccepted: true, context: context)
                _ = try await cards.approve(id: application.id, context: context)
                applications.append(application.id)
            }
            let queue = applications
            // Blank cards as they arrive from the manufacturer: an image on disk with its attestation key each.
            var blanks: [(card: VirtualCard, transportKey: [UInt8])] = []
            for index in 0..<count {
                let attestation = try manufacturer.makeAttestationKey(now: app.licna.configuration.clock.now)
                let attestationCertificate = try DEREncoding.encode(attestation.certificate)
                blanks.append(try VirtualCard.create(at: (work as NSString).appendingPathComponent("card-\(index)")) {
                    $0.installAttestation(attestation.key, certificate: attestationCertificate)
                })
            }
            let cardsToWrite = blanks
            let all = ContinuousClock.now
            // Each station takes every `parallel`-th application.
            let results = try await withThrowingTaskGroup(of: [(Double, Int)].self) { group in
                for station in 0..<parallel {
                    // Each station on an event loop of its own, as separate station processes would run: a task
                    // started on a loop stays there (NIO's executor keeps jobs on the loop they come from), and so do
                    // its database connections (`app.db` takes the current loop's pool).
                    let loop = app.eventLoopGroup.next()
                    group.addTask { try await loop.flatSubmit { loop.makeFutureWithTask {
                        var results: [(Double, Int)] = []
                        for index in stride(from: station, to: queue.count, by: parallel) {
                            let start = ContinuousClock.now
                            let created = cardsToWrite[index]
                            let outcome = try await CardStation.personalize(app, applicationID: queue[index],
                                                                            channel: SmartCardChannel(card: created.card), transportKey: created.transportKey)
                            guard outcome.view.state == "personalized", outcome.view.signatureSerial != nil else {
                                throw ValidationError("personalization did not record a card with two certificates")
                            }
                            results.append((Bench.seconds(start), outcome.envelope.count))
                        }
                        return results
                    } }.get() }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let times = results.map(\.0)
            let envelopeBytes = results.map(\.1).reduce(0, +)
            return (times, Bench.seconds(all), envelopeBytes)
        }
        let sorted = times.sorted()
        Terminal.print(String(format: "personalization end to end (a manufactured blank virtual card: plan from the registry, PIN/PUK/CAN, two key pairs, two certificates on hold, security object, card image written, envelope PDF, record): %.1f cards/s; p50 %.1f ms, p99 %.1f ms over %d cards, %d station(s) at once (envelopes %d bytes each)",
                              Double(count) / total, Bench.percentile(sorted, 0.5) * 1000, Bench.percentile(sorted, 0.99) * 1000, count,
                              parallel, envelopeBytes / max(count, 1)))
    }
}
