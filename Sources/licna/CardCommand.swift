import ArgumentParser
import Crypto
import Foundation
import LicnaBasics
import LicnaCardCommands
import LicnaCommandLine
import LicnaCard
import LicnaCardClient
import LicnaCore
import LicnaPKI
import LicnaServer
import SwiftASN1
import X509
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `licna card`: virtual eID cards for development, tests and pilots (docs/card.md).
struct Card: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Virtual eID cards: make one, personalize it for development, plug it into pcscd, read it.",
        subcommands: [Create.self, CardInsert.self, CardStatus.self, CardActivate.self, CardSuspend.self, CardResume.self, CardRenewCertificates.self, CardSign.self, CardChangePIN.self, CardUnblockPIN.self, CardAPDU.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a blank card image in the personalization state (transport key in FILE.transport-key); with --test-identity, personalize it for development.")
        @Option(name: .customLong("out"), help: "The card image file to create (never overwritten).") var out: String
        @Option(help: "Personalize for development: \"SURNAME, Given\". PIN 123456, PUK 12345678, CAN 123456.") var testIdentity: String?
        @Option(help: "With --test-identity: the holder's birth date (YYYY-MM-DD, default 1990-01-01). The card, its travel document and its certificates last as the card policy says for that age (`licna cards policy`); under 18, no signature key.")
        var birthDate: String?
        @OptionGroup var storage: StorageOptions
        @Option(help: "PIN tries before the PIN blocks (1–15).") var pinTries = 5
        @Option(help: "PUK tries before the card is blocked for good (1–15).") var pukTries = 5
        @Flag(help: "With --data or --database: a development installation, which accepts the virtual card's attestation (its signature certificate states QcSSCD), as `serve --dev` does.")
        var dev = false

        func run() async throws {
            guard (1...15).contains(pinTries), (1...15).contains(pukTries) else { throw explained(Exit.usage, "cli.card.tries") }
            _ = try holderBirthDate()
            // Everything this command writes is new: nothing of another card is overwritten, or removed on failure.
            for suffix in Self.companions where FileManager.default.fileExists(atPath: out + suffix) {
                throw explained(Exit.usage, "cli.card.image", ["detail": CardImageStore.Failure.exists(out + suffix).description])
            }
            // Known PINs under a real CA would make its certificates worthless (issue 10, item 10): refused before
            // anything is made or stored.
            if testIdentity != nil, storage.data != nil || storage.database != nil {
                let development = try await withInstallation(storage) { app in
                    try await caOperation { try await app.licna.trust.authority(on: app.db).isDevelopmentHierarchy() }
                }
                guard development else { throw explained(Exit.usage, "cli.card.test-identity-real-ca") }
            } else if testIdentity != nil, let server = try serverAuthority() {
                try await Self.requireDevelopmentServer(server.server)
            }
            let attestation = try await manufactureAttestationKey()
            let attestationCertificate = try DEREncoding.encode(attestation.certificate)
            let created: (card: VirtualCard, transportKey: [UInt8])
            do {
                created = try VirtualCard.create(at: out) { $0.installAttestation(attestation.key, certificate: attestationCertificate) }
            } catch let failure as CardImageStore.Failure {
                throw explained(Exit.failed, "cli.card.image", ["detail": failure.description])
            } catch {
                try? FileManager.default.removeItem(atPath: out + ".lock")
                throw explained(Exit.failed, "cli.card.image", ["detail": "\(error)"])
            }
            do {
                try writeOutput(ASCIIHex.encode(created.transportKey, uppercase: true) + "\n", to: out + ".transport-key", secret: true)
                try await finish(created)
            } catch {
                // A card that failed half-way is no card: nothing of it stays behind.
                for suffix in [""] + Self.companions {
                    try? FileManager.default.removeItem(atPath: out + suffix)
                }
                throw error
            }
        }

        private func finish(_ created: (card: VirtualCard, transportKey: [UInt8])) async throws {
            guard let testIdentity else {
                Terminal.say("cli.card.created", ["path": out, "key": out + ".transport-key"])
                return
            }
            let birth = try holderBirthDate()
            let today = SystemWallClock().today
            let personalizer = CardPersonalizer(channel: SmartCardChannel(card: created.card), transportKey: created.transportKey)
            let secrets = CardPersonalizer.Secrets(pin: "123456", puk: "12345678", can: "123456", pinTries: pinTries, pukTries: pukTries)
            let progress: @Sendable (CardPersonalizer.Step) -> Void = { Terminal.say("cli.card.step." + $0.rawValue) }
            let holder: CardHolder
            let result: CardPersonalizer.Result
            @Sendable func makeHolder(by policy: CardIssuancePolicy) throws -> CardHolder {
                try Self.holder(testIdentity, birthDate: birth, validity: try policy.validity(birthDate: birth, issuedOn: today))
            }
            if storage.data != nil || storage.database != nil {
                try storage.rejectServer()
                (holder, result) = try await withInstallation(storage, trust: TrustConfiguration(acceptsDevelopmentCards: dev)) { app in
                    try await caOperation {
                        // `run` checked that this is a development hierarchy before the card was made.
                        let service = app.licna.trust.authority(on: app.db)
                        let holder = try makeHolder(by: try await service.cardPolicy())
                        let authority = InstallationCardAuthority(service: service)
                        return (holder, try await personalizer.personalize(holder, secrets: secrets, authority: authority, progress: progress))
                    }
                }
            } else if let server = try serverAuthority() {
                // The server's CA applies its own policy's limits to what it certifies; the card follows the defaults.
                holder = try makeHolder(by: .montenegro)
                // A refusal is an `APIFailure` with the server's message; the commands' one mapping reports it.
                result = try await personalizer.personalize(holder, secrets: secrets, authority: server, progress: progress)
            } else {
                holder = try makeHolder(by: .montenegro)
                let authority = try DevelopmentCertificateAuthority(clock: SystemWallClock())
                result = try await personalizer.personalize(holder, secrets: secrets, authority: authority, progress: progress)
                try writeOutput(try authority.chainPEM(), to: out + ".chain.pem", secret: false)
                try writeOutput(try authority.cscaPEM(), to: out + ".csca.pem", secret: false)
                Terminal.say("cli.card.test-ca", ["chain": out + ".chain.pem", "csca": out + ".csca.pem"])
            }
            try writeOutput(ASCIIHex.encode(result.managementKey, uppercase: true) + "\n", to: out + ".management-key", secret: true)
            Terminal.say("cli.card.personalized", ["path": out, "name": holder.commonName, "key": out + ".management-key"])
            Terminal.say("cli.card.development-only")
        }

        /// Refuses a server whose root does not name a development hierarchy: its CA must not certify known PINs.
        static func requireDevelopmentServer(_ server: URL) async throws {
            let root = try await ServerTrustAnchor.fetchRoot(of: server).certificate
            guard CertificateAuthorityService.namesDevelopmentHierarchy(root) else { throw explained(Exit.usage, "cli.card.test-identity-real-ca") }
        }

        /// Manufacture: the card's attestation key (slot F9), certified by the installation's development root for
        /// virtual cards (with --data, --database or --server and an identity), or by a throwaway root (its
        /// attestations then count nowhere).
        private func manufactureAttestationKey() async throws -> (key: CardAttestationKey, certificate: Certificate) {
            let now = SystemWallClock().now
            // A blank card for an installation (`--data`, `--database`, `--server`) is made by its development
            // manufacturer, whose root the installation knows: its chip's attestations name it at personalization, and
            // it can renew on line. Without one, a throwaway manufacturer.
            if storage.data != nil || storage.database != nil {
                let manufacturer = try await withInstallation(storage) { app in
                    try await app.licna.trust.authority(on: app.db).developmentCardManufacturer()
                }
                return try manufacturer.makeAttestationKey(now: now)
            }
            guard let server = try serverAuthority() else { return try CardManufacturer.development(now: now).makeAttestationKey(now: now) }
            guard let key = CardKey.generate(.p256) else { throw explained(Exit.failed, "cli.card.image", ["detail": "no P-256 key"]) }
            let certificate = try await server.certifyAttestationKey(
                Certificate.PublicKey(try P256.Signing.PublicKey(x963Representation: key.publicPoint)))
            let serial = CardSerial(rawValue: (try? KeyAttestation.serial(inDeviceCertificate: certificate)) ?? "")
            return (CardAttestationKey(key: key, issuer: try DEREncoding.encode(certificate.subject), model: CardManufacturer.virtualCardModel,
                                       serial: serial), certificate)
        }

        /// The officer API of `--server`, or nil without it. The admin token travels in the requests: in clear only
        /// to this machine.
        private func serverAuthority() throws -> ServerCardAuthority? {
            try officerClient(storage).map { ServerCardAuthority(server: $0.base, token: $0.bearerToken ?? "") }
        }

        /// The files written beside the card image.
        static let companions = [".lock", ".transport-key", ".management-key", ".chain.pem", ".csca.pem"]

        /// A development holder's birth date when none is given.
        static let defaultBirthDate = CivilDate(year: 1990, month: 1, day: 1)!

        /// The holder's birth date: --birth-date, or `defaultBirthDate`; a usage error unless it lies between 1800 and today.
        private func holderBirthDate() throws -> CivilDate {
            guard let text = birthDate else { return Self.defaultBirthDate }
            // JMBGs name birth years from 1800 on (their three year digits); nothing older is a living holder.
            guard let date = CivilDate(iso8601: text), date.year >= 1800, date <= SystemWallClock().today else {
                throw explained(Exit.usage, "cli.card.birth-date", ["value": String(text.prefix(40))])
            }
            return date
        }

        /// A development holder from "SURNAME, Given": fresh identification number and a JMBG of the birth date
        /// (Podgorica), a card number, and the dates and signature key the card policy gives that age.
        static func holder(_ text: String, birthDate: CivilDate, validity: CardValidity) throws -> CardHolder {
            let parts = text.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw explained(Exit.usage, "cli.card.identity-format") }
            var generator = IdentificationNumberGenerator()
            let identification = generator.next().description
            // A JMBG of the birth date, Podgorica (region 21), male: one of those the registry would assign.
            guard let jmbg = (try? JMBGAllocator().candidates(birthDate: birthDate, regionCode: 21, sex: .male))?.randomElement() else {
                throw explained(Exit.usage, "cli.card.birth-date", ["value": birthDate.iso8601])
            }
            let cardNumber = "LC" + String(format: "%07d", Int.random(in: 0..<10_000_000))
            // The card is valid through its last day; its chip records that day, the MRZ the travel document's.
            return CardHolder(surname: parts[0], givenNames: parts[1], identificationNumber: identification, jmbg: jmbg.digits,
                              birthDate: String(format: "%02d%02d%02d", birthDate.year % 100, birthDate.month, birthDate.day), sex: "M",
                              cardNumber: cardNumber, cardExpiry: validity.cardExpires.startInUTC,
                              travelDocumentExpiry: validity.travelDocumentExpires.startInUTC,
                              certificatesNotAfter: validity.certificatesNotAfter, signatureCertificate: validity.signatureCertificate,
                              issuingAuthority: "Licna development")
        }
    }
}
