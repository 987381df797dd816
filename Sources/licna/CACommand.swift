import ArgumentParser
import Crypto
import Foundation
import LicnaCommandLine
import LicnaPKI
import LicnaServer
import X509

/// `licna ca …`: the certificate authority's operator commands.
struct CA: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "Run the certificate authority: set up the hierarchy, issue, revoke, hold, release, produce CRLs.",
        discussion: """
            The root CA's key is kept under its own passphrase (LICNA_ROOT_PASSPHRASE, --root-passphrase-file, or a \
            prompt) inside the master-key encryption; the other CA keys need only the master key. Serial numbers are \
            printed as lowercase hex. Reasons: \(RevocationReason.revocationReasons.map(\.name).joined(separator: ", ")).
            """,
        subcommands: [Init.self, Export.self, Issue.self, Revoke.self, Hold.self, Release.self, Status.self, CRL.self, Rollover.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the CA hierarchy once (root, citizen CA, institution CA, CSCA with document signer, TSA, OCSP responders).",
            discussion: "Prints the SHA-256 fingerprints of the root and the CSCA on standard output: publish them out of band.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "ISO 3166 country code of the hierarchy.") var country = "ME"
        @Option(help: "Organization name in the CA certificates.") var organization = "Licna"
        @Option(help: "The public address written into certificates (AIA, CRL distribution points).") var publicURL = "http://127.0.0.1:8080"
        @Option(help: "A dedicated OCSP address for the certificates (default: PUBLIC-URL/pki/ocsp); serve it with `serve --ocsp-port`.") var ocspURL: String?
        @Option(help: "File holding the root key's passphrase (default: LICNA_ROOT_PASSPHRASE, else a prompt).") var rootPassphraseFile: String?
        @Option(help: "The institution's registration identifier for its e-seal, e.g. NTRME-02012345 (ETSI EN 319 412-1).") var organizationIdentifier: String?
        @Flag(help: "A development hierarchy: every CA name says TEST; only it may certify `card create --test-identity` cards.") var dev = false

        func run() async throws {
            let passphrase = try RootPassphrase.read(file: rootPassphraseFile, confirm: true)
            var configured = TrustSetup(country: country, organization: organization, publicURL: publicURL, rootPassphrase: passphrase,
                                        ocspURL: ocspURL)
            configured.organizationIdentifier = organizationIdentifier
            configured.development = dev
            let setup = configured
            let lines = try await withInstallation(storage) { app in
                try await caOperation {
                    let authority = app.licna.trust.authority(on: app.db)
                    try await authority.initialize(setup, context: AuditContext(actor: commandLineActor, purpose: .caInit))
                    return try await authority.exportFingerprints()
                }
            }
            for line in lines { Terminal.print(line) }
            Terminal.say("cli.ca.initialized")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print CA certificates as PEM: root, csca, or chain (every CA certificate below the root).")
        @OptionGroup var storage: StorageOptions
        @Option(help: "root, csca, chain or virtual-card-root.") var what: String
        @Option(name: [.short, .customLong("out")], help: "Output file, or - for standard output.") var out = "-"

        func run() async throws {
            guard let what = CAExport(rawValue: what) else { throw explained(Exit.usage, "cli.ca.export-what") }
            let pem = try await withInstallation(storage) { app in
                try await caOperation { try await app.licna.trust.authority(on: app.db).export(what) }
            }
            try writeOutput(pem, to: out, secret: false)
        }
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a certificate from a CSR and print it as PEM.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "authentication, signature or e-seal.") var profile: String
        @Option(help: "The certificate signing request (PEM or DER).") var csr: String
        @Option(help: "Last day of validity (YYYY-MM-DD, UTC); default 5 years, never beyond the CA.") var notAfter: String?
        @Option(help: ArgumentHelp("Ignored: a claimed card model no longer gives QcSSCD; use --attestation.", visibility: .hidden)) var cardModel: String?
        @Option(help: "The card's key attestation (PEM: the attestation certificate, then the card's attestation key certificate); QcSSCD only when it chains to a --qscd-model's --attestation-root.")
        var attestation: String?
        @OptionGroup var qscd: QSCDOptions
        @Option(name: [.short, .customLong("out")], help: "Output file, or - for standard output.") var out = "-"

        func run() async throws {
            guard let profile = CertificateProfile(rawValue: profile), CertificateProfile.requestable.contains(profile) else {
                throw explained(Exit.usage, "cli.ca.profile")
            }
            guard let bytes = FileManager.default.contents(atPath: csr) else { throw explained(Exit.failed, "cli.import.unreadable", ["file": csr]) }
            let request: CertificateSigningRequest
            do { request = try CertificateRequest.parseCSR(Array(bytes)) } catch { throw explained(Exit.no, "cli.ca.csr-unreadable", ["file": csr]) }
            var evidence: KeyAttestation?
            if let attestation {
                guard let bytes = FileManager.default.contents(atPath: attestation) else {
                    throw explained(Exit.failed, "cli.import.unreadable", ["file": attestation])
                }
                do { evidence = try KeyAttestation(pemEncoded: String(decoding: bytes, as: UTF8.self)) } catch let error as PKIError {
                    throw explained(Exit.no, "cli.ca.attestation-unreadable", ["file": attestation, "detail": error.detail])
                }
            }
            if cardModel != nil { Terminal.say("cli.ca.card-model-ignored") }
            let trust = TrustConfiguration(qscdModels: try qscd.qscdModels())
            var end: Date?
            if let notAfter {
                guard let day = ISO8601DateFormatter.day(notAfter) else { throw explained(Exit.usage, "error.date-format") }
                end = day.addingTimeInterval(86_399)
            }
            let certificate = try await withInstallation(storage, trust: trust) { [end, cardModel, evidence] app in
                try await caOperation {
                    try await app.licna.trust.authority(on: app.db).issue(
                        CertificateRequest(profile: profile, csr: request, notAfter: end, cardModel: cardModel, attestation: evidence),
                        context: AuditContext(actor: commandLineActor, purpose: .certificateIssuance))
                }
            }
            try writeOutput(try certificate.serializeAsPEM().pemString + "\n", to: out, secret: false)
            Terminal.say("cli.ca.issued", ["serial": certificate.serialNumber.hex])
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a certificate for good. A keyCompromise revocation produces the CA's CRLs at once.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Serial number in hex.") var serial: String
        @Option(help: "RFC 5280 reason name, e.g. keyCompromise, superseded, cessationOfOperation.") var reason: String
        @Option(help: "When the key was compromised (YYYY-MM-DD), if before today.") var invalidityDate: String?

        func run() async throws {
            guard let reason = RevocationReason(name: reason), RevocationReason.revocationReasons.contains(reason) else {
                throw explained(Exit.usage, "cli.ca.reason", ["reasons": RevocationReason.revocationReasons.map(\.name).joined(separator: ", ")])
            }
            var invalidity: Date?
            if let invalidityDate {
                guard let day = ISO8601DateFormatter.day(invalidityDate) else { throw explained(Exit.usage, "error.date-format") }
                invalidity = day
            }
            try await changeStatus(storage, serial, .revoke(reason, invalidityDate: invalidity))
        }
    }

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a certificate (certificateHold); `release` ends the hold.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Serial number in hex.") var serial: String
        func run() async throws { try await changeStatus(storage, serial, .hold) }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a hold: the certificate is good again and leaves the next CRL.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Serial number in hex.") var serial: String
        func run() async throws { try await changeStatus(storage, serial, .release) }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a certificate's status: `<serial> good|hold|revoked [reason]`.",
            discussion: "--json prints {serial, authority, profile, subject, status, notBefore, notAfter, revokedAt, reason, invalidityDate, crlPartition}.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Serial number in hex.") var serial: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let serial = self.serial
            let view = try await withInstallation(storage) { app in
                try await caOperation { try await app.licna.trust.authority(on: app.db).status(serial: serial) }
            }
            if json {
                let encoder = JSONEncoder()
                encoder.dateEncodingStrategy = .iso8601
                encoder.outputFormatting = [.sortedKeys]
                Terminal.print(String(decoding: try encoder.encode(view), as: UTF8.self))
            } else {
                Terminal.print(statusLine(view))
            }
        }
    }

    struct CRL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crl",
            abstract: "Produce every CRL now and renew OCSP responders that are due.",
            discussion: "With the root passphrase (LICNA_ROOT_PASSPHRASE, --root-passphrase-file or --with-root to be asked) the root's CRL is produced too (it lasts a year: run this at least yearly).")
        @OptionGroup var storage: StorageOptions
        @Option(help: "File holding the root key's passphrase.") var rootPassphraseFile: String?
        @Flag(help: "Ask for the root passphrase and renew the root's CRL too.") var withRoot = false

        func run() async throws {
            let passphrase = withRoot || rootPassphraseFile != nil || ProcessInfo.processInfo.environment["LICNA_ROOT_PASSPHRASE"]?.isEmpty == false
                ? try RootPassphrase.read(file: rootPassphraseFile, confirm: false) : nil
            let lines = try await withInstallation(storage) { app in
                try await caOperation { try await app.licna.trust.authority(on: app.db).produceCRLs(rootPassphrase: passphrase) }
            }
            for line in lines { Terminal.print(line) }
        }
    }
}

extension CA {
    /// `licna ca rollover`: the citizen CA's next generation, certified by the offline root (docs/card.md "Policies").
    struct Rollover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rollover",
            abstract: "Make the next citizen CA under the root, before the current one can no longer cover full-length certificates.",
            discussion: "Needs the root passphrase (LICNA_ROOT_PASSPHRASE, --root-passphrase-file, or asked). New certificates then come from the new CA; the older ones keep answering OCSP and publishing CRLs until their certificates expire. --check only prints where the current CA stands (exit 0), as JSON with --json.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "File holding the root key's passphrase.") var rootPassphraseFile: String?
        @Flag(help: "Only print the current citizen CA, its end, and whether a rollover is due.") var check = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try storage.rejectServer()
            if check {
                let state = try await withInstallation(storage) { app in
                    try await caOperation { try await app.licna.trust.authority(on: app.db).citizenCAState() }
                }
                if json {
                    Terminal.print(try jsonText(state))
                } else {
                    let formatter = ISO8601DateFormatter()
                    Terminal.say(state.rolloverDue ? "cli.ca.rollover-due" : "cli.ca.rollover-not-due",
                                 ["current": state.current, "notAfter": formatter.string(from: state.notAfter),
                                  "until": formatter.string(from: state.fullPeriodUntil), "generations": state.generations.joined(separator: ", ")])
                }
                return
            }
            let passphrase = try RootPassphrase.read(file: rootPassphraseFile, confirm: false)
            let made = try await withInstallation(storage) { app in
                try await caOperation {
                    try await app.licna.trust.authority(on: app.db).rollOverCitizenCA(
                        rootPassphrase: passphrase, context: AuditContext(actor: commandLineActor, purpose: .caInit))
                }
            }
            let sha256 = SHA256.hash(data: try DEREncoding.encode(made.certificate)).hexString
            Terminal.say("cli.ca.rolled-over", ["name": made.name.rawValue, "serial": made.certificate.serialNumber.hex,
                                                "notAfter": ISO8601DateFormatter().string(from: made.certificate.notValidAfter), "sha256": sha256])
        }
    }
}

private func changeStatus(_ storage: StorageOptions, _ serial: String, _ change: CertificateStatusChange) async throws {
    let view = try await withInstallation(storage) { app in
        try await caOperation {
            try await app.licna.trust.authority(on: app.db).change(serial: serial, change,
                                                                   context: AuditContext(actor: commandLineActor, purpose: .certificateStatus))
        }
    }
    Terminal.print(statusLine(view))
}

private func statusLine(_ view: CertificateRecordView) -> String {
    [view.serial.rawValue, view.status, view.status == "revoked" ? view.reason : nil].compactMap { $0 }.joined(separator: " ")
}

/// Runs a CA operation, turning its refusals into translated messages and CONVENTIONS.md exit codes (by category:
/// `LicnaError.explained()`) while the installation is still open.
func caOperation<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as TrustError {
        throw error.explained()
    }
}

/// Writes a result to a file (mode 0600 when secret) or standard output.
func writeOutput(_ text: String, to path: String, secret: Bool) throws {
    if path == "-" {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: secret ? 0o600 : 0o644]) else {
        throw explained(Exit.failed, "cli.write-failed", ["path": path])
    }
}

extension ISO8601DateFormatter {
    /// A `YYYY-MM-DD` day at 00:00 UTC.
    static func day(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.date(from: text)
    }
}
