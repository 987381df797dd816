import ArgumentParser
import Foundation
import LicnaBasics
import LicnaCommandLine
import LicnaCore
import LicnaDocuments
import LicnaIdentityProvider
import LicnaServer
import Logging
import Vapor

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Licna server (SQLite in ./licna-data by default; PostgreSQL with --database).",
        discussion: """
            Officers sign in with the eID card or a personal token (licna accounts token). LICNA_ADMIN_TOKEN (or \
            --admin-token-file) only names the first administrator, at /officer/login; the server keeps only its hash.
            """)

    @OptionGroup var storage: StorageOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "The external address, used in links, certificates and OIDC (default http://HOST:PORT).") var publicURL: String?
    @Option(help: "File holding the admin token (instead of LICNA_ADMIN_TOKEN).") var adminTokenFile: String?
    @Flag(help: "Development conveniences (templates reloaded, mail to a folder; virtual cards' attestations accepted as QSCDs).") var dev = false
    @Flag(help: "Seed a dozen demo citizens (idempotent).") var demo = false
    @Option(help: "Certificates per CRL partition.") var crlPartitionSize = 10_000
    @Option(help: "Minutes between scheduled CRL runs.") var crlIntervalMinutes = 60
    @Option(help: "Freshly signed OCSP responses (nonces, cache misses) per second per client address.") var ocspNonceRate = 50.0
    @Option(help: "Also answer OCSP on this port with a dedicated SwiftNIO listener (for `ca init --ocsp-url`).") var ocspPort: Int?
    @Option(help: ArgumentHelp("Seconds a pre-produced OCSP response is reused (0 signs every response; for benchmarks).", visibility: .hidden))
    var ocspCacheSeconds = 60
    @Option(help: "Timestamps per second per client address (IPv6: per /64) at /pki/tsa.") var tsaRate = 20.0
    @Option(help: "Serve Prometheus metrics at /metrics on this port (its own listener; the public one never serves them).") var metricsPort: Int?
    @Option(help: "An SMTP relay for account emails (verification, password reset), such as the host's MTA (plain SMTP, no authentication).") var smtpHost: String?
    @Option(help: "The SMTP relay's port.") var smtpPort: Int = 25
    @Option(help: "The sender address of account emails (with --smtp-host).") var mailFrom: String = "no-reply@localhost"
    @Option(help: "The port of `licna-card agent` on citizens' computers, which the sign-in page asks to sign (default 24727).") var cardAgentPort: Int = CardAgentPort.standard
    @Option(help: "Address of the metrics listener.") var metricsHost = "127.0.0.1"
    @Option(help: "A folder of service files for the portal's catalogue (one JSON file per service and institutions.json; docs/services.md), reloaded when a file changes (default: the catalogue shipped with Licna).")
    var services: String?
    @Option(name: .customLong("legal-basis"), help: "A legal basis officers may give for reading a person's record (repeat; replaces the standard list: citizen-request, identity-document, civil-status, residence, social-benefit, tax, court-order, police, audit, data-correction). Name it in the translation files as legal-basis.ID.")
    var legalBases: [String] = []
    @Option(help: "Reads of person records by one officer within an hour above which the auditor's page flags the officer.")
    var massLookupThreshold = 100
    @Option(help: ArgumentHelp("Verification pages (/d/ID) per second per client address (for benchmarks).", visibility: .hidden))
    var verificationRate = 5.0
    @Option(help: "A reverse proxy (CIDR, e.g. 10.0.0.0/8 or ::1) whose X-Forwarded-For names the client; repeat for more.")
    var trustedProxy: [String] = []
    @Option(help: "Minutes between signed audit checkpoints (0: none; `licna audit checkpoint` writes one at any time).")
    var auditCheckpointMinutes = 60

    func validate() throws {
        for value in trustedProxy where IPNetwork(cidr: value) == nil {
            throw ValidationError(Terminal.text("cli.serve.trusted-proxy", ["value": value]))
        }
        for port in [port, cardAgentPort, smtpPort] + [metricsPort, ocspPort].compactMap({ $0 }) where !(0...65_535).contains(port) {
            throw ValidationError(Terminal.text("cli.serve.port", ["value": String(port)]))
        }
        guard tsaRate.isFinite, tsaRate > 0, ocspNonceRate.isFinite, ocspNonceRate > 0, auditCheckpointMinutes >= 0 else {
            throw ValidationError(Terminal.text("cli.serve.rate"))
        }
    }
    @OptionGroup var qscd: QSCDOptions
    @Option(help: "MiB that one signature validation (/verify, the API) may decode in all, e.g. a PDF's DSS streams.")
    var validationMaxDecodedMib = 128

    func run() async throws {
        try storage.rejectServer()
        let qscdModels = try qscd.qscdModels()
        let key = try storage.masterKey()
        var token = ProcessInfo.processInfo.environment["LICNA_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if let adminTokenFile {
            guard let text = try? String(contentsOfFile: adminTokenFile, encoding: .utf8) else {
                throw explained(Exit.usage, "cli.admin-token.unreadable", ["path": adminTokenFile])
            }
            token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let token, let weakness = AdminToken.weakness(of: token, development: dev) {
            throw explained(Exit.usage, "cli.admin-token.weak", ["weakness": weakness])
        }
        let publicURL = self.publicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        var environment = Environment(name: dev ? "development" : "production", arguments: ["licna", "serve"])
        environment.commandInput.arguments = ["serve"]
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let app = try await Application.make(environment)
        app.http.server.configuration.hostname = host
        app.http.server.configuration.port = port
        var configuration = LicnaConfiguration(storage: storage.location, masterKey: key, publicURL: publicURL,
                                               isDevelopment: dev, adminToken: token, clock: SystemWallClock(),
                                               trust: TrustConfiguration(crlPartitionSize: max(1, crlPartitionSize),
                                                                         crlInterval: Double(max(1, crlIntervalMinutes)) * 60,
                                                                         ocspCacheLifetime: Double(min(60, max(0, ocspCacheSeconds))),
                                                                         nonceRequestsPerSecond: max(0.1, ocspNonceRate),
                                                                         ocspListener: ocspPort.map { (host, $0) },
                                                                         qscdModels: qscdModels, acceptsDevelopmentCards: dev))
        configuration.trust.timestampRequestsPerSecond = tsaRate
        configuration.metricsListener = metricsPort.map { (metricsHost, $0) }
        configuration.cardAgentURL = "http://127.0.0.1:\(cardAgentPort)"
        configuration.servicesFolder = services
        if !legalBases.isEmpty { configuration.legalBases = legalBases.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.contains(":") } }
        configuration.massLookupThreshold = max(1, massLookupThreshold)
        configuration.documentVerificationRate = verificationRate.isFinite ? min(max(verificationRate, 0.1), 1_000_000) : 5
        guard AccountMail.isDeliverable(mailFrom) else { throw explained(Exit.usage, "cli.serve.bad-mail-from", ["address": String(mailFrom.prefix(100))]) }
        if let smtpHost {
            configuration.mail = .smtp(host: smtpHost, port: smtpPort, from: mailFrom)
        } else if dev || demo {
            // Development and the demo: messages go to a folder and their links to the log.
            if case .sqlite(let directory) = storage.location { configuration.mail = .folder(directory + "/mail") } else { configuration.mail = .folder("./licna-mail") }
        }
        configuration.trustedProxies = trustedProxy.compactMap { IPNetwork(cidr: $0) }
        configuration.auditCheckpointInterval = auditCheckpointMinutes > 0 ? Double(auditCheckpointMinutes) * 60 : nil
        configuration.validationLimits.maximumDecodedBytes = max(1, validationMaxDecodedMib) * 1024 * 1024
        var demoHierarchyCreated = false
        var demoOfficerToken: String?
        var administratorExists = false
        var demoCards: [String] = []
        let demoCardFolder: String
        if case .sqlite(let directory) = storage.location { demoCardFolder = directory + "/demo-cards" } else { demoCardFolder = "./licna-demo-cards" }
        do {
            try await configureLicna(app, configuration, options: .init(http: true, demo: demo))
            if demo {
                demoHierarchyCreated = try await DemoHierarchy.ensure(app, publicURL: publicURL)
                demoCards = try await DemoCards.ensure(app, folder: demoCardFolder)
                demoOfficerToken = try await app.licna.signOn(on: app.db).issueOfficerToken(
                    email: DemoSignOn.officerEmail, name: "licna serve --demo", roles: nil, days: 1,
                    context: AuditContext(actor: "demo", purpose: .demoData)).token
            }
            administratorExists = try await app.licna.signOn(on: app.db).administratorExists()
        } catch let wrong as MasterKeyError {
            try? await app.asyncShutdown()
            throw wrong.explained()
        } catch {
            try? await app.asyncShutdown()
            throw explained(Exit.failed, "cli.storage.unavailable", ["storage": storage.location.safeDescription, "error": "\(error)"])
        }
        if demoHierarchyCreated { Terminal.say("cli.serve.demo-hierarchy") }
        if let first = demoCards.first {
            // The card commands trust an http server only with its root pinned: the demo says the fingerprint.
            let root = (try? await app.licna.trust.authority(on: app.db).exportFingerprints().first?.split(separator: " ").last).map(String.init) ?? ""
            // The 76-year-old's activated card (a 50-year card) shows renewal; its PIN is still the envelope's.
            let renewable = demoCards.first { $0.hasSuffix("/vesna-radulovic") } ?? first
            Terminal.say("cli.serve.demo-cards", ["folder": demoCardFolder, "card": first, "url": publicURL, "count": String(demoCards.count),
                                                  "root": root, "renewable": renewable])
        }
        if demo {
            Terminal.say("cli.serve.demo-signon", ["url": publicURL.trimmingCharacters(in: ["/"]), "email": DemoSignOn.email, "password": DemoSignOn.password])
            Terminal.say("cli.serve.demo-portal", ["url": publicURL.trimmingCharacters(in: ["/"]), "email": DemoSignOn.email, "password": DemoSignOn.password,
                                                   "secret": TimeBasedOneTimePassword.base32(DemoSignOn.authenticatorSecret)])
            if let card = demoCards.first(where: { $0.hasSuffix("/marko-petrovic") }) {
                let agent = "licna-card agent --card \(card) --origin \(WebOrigin.serialization(of: publicURL) ?? publicURL)"
                    + (cardAgentPort == CardAgentPort.standard ? "" : " --port \(cardAgentPort)")
                Terminal.say(dev ? "cli.serve.demo-card-signin-high" : "cli.serve.demo-card-signin", ["agent": agent, "envelope": card + ".envelope.pdf"])
            }
            if let demoOfficerToken {
                Terminal.say("cli.serve.demo-officer", ["url": publicURL.trimmingCharacters(in: ["/"]), "email": DemoSignOn.officerEmail, "token": demoOfficerToken])
            }
        }
        if case .folder(let folder) = configuration.mail {
            Terminal.say("cli.serve.mail-folder", ["folder": folder, "url": publicURL.trimmingCharacters(in: ["/"])])
        }
        if !administratorExists { Terminal.say(token == nil ? "cli.serve.no-admin-token" : "cli.serve.first-administrator") }
        if let metricsPort { Terminal.say("cli.serve.metrics", ["url": "http://\(metricsHost.contains(":") ? "[\(metricsHost)]" : metricsHost):\(metricsPort)/metrics"]) }
        if !configuration.secureCookies { Terminal.say("cli.serve.insecure-cookies") }
        if let caURL = try? await app.licna.trust.authority(on: app.db).publicURL(), caURL != publicURL.trimmingCharacters(in: ["/"]) {
            Terminal.say("cli.serve.ca-url-differs", ["ca": caURL, "url": publicURL])
        }
        Terminal.say("cli.serve.listening", ["url": publicURL, "storage": storage.location.safeDescription])
        do {
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw explained(Exit.failed, "cli.serve.failed", ["error": "\(error)"])
        }
        try await app.asyncShutdown()
    }
}
