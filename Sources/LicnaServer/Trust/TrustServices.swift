import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import Vapor

/// The trust services of an installation: the CA (on any database handle), the OCSP responder with its cache,
/// and the background work of a running server (status polling, CRL schedule, responder renewal).
public struct TrustServices: Sendable {
    let vault: TrustKeyVault
    let audit: AuditLog
    let clock: any WallClock
    public let configuration: TrustConfiguration
    let ocsp: OCSPResponderService
    let timestamps: TimestampService
    let ocspListener = OCSPListener()

    init(masterKey: MasterKey, audit: AuditLog, clock: any WallClock, configuration: TrustConfiguration) {
        vault = TrustKeyVault(masterKey: masterKey)
        self.audit = audit
        self.clock = clock
        self.configuration = configuration
        ocsp = OCSPResponderService(configuration: configuration, clock: clock)
        timestamps = TimestampService(clock: clock, requestsPerSecond: configuration.timestampRequestsPerSecond)
    }

    /// Loads the hierarchy's online keys into the OCSP responder and the TSA; called at start, after
    /// `ca init` in-process, and when another process renewed a key.
    public func reload(on database: any Database) async throws {
        let hierarchy = try await TrustHierarchy.load(on: database, vault: vault)
        try hierarchy?.verifyIntegrity()
        try await ocsp.install(hierarchy, on: database)
        try timestamps.install(hierarchy)
    }

    /// The certificate authority working on `database`.
    public func authority(on database: any Database) -> CertificateAuthorityService {
        CertificateAuthorityService(database: database, vault: vault, audit: audit, clock: clock, configuration: configuration)
    }

    /// A TimeStampResp for a DER TimeStampReq (the TSA behind `POST /pki/tsa`).
    public func timestamp(_ request: [UInt8], on database: any Database) async -> [UInt8] {
        await timestamps.respond(to: request, on: database)
    }

    /// The CRL store and producer.
    func crls(on database: any Database) -> CRLPublisher {
        CRLPublisher(authorityService: authority(on: database))
    }
}

/// Runs the trust services' background work while the server is up.
struct TrustBackgroundWork: LifecycleHandler {
    private let tasks = TaskBox()

    final class TaskBox: @unchecked Sendable {
        // Touched only from the lifecycle callbacks, which Vapor calls in order on one thread.
        var tasks: [Task<Void, Never>] = []
    }

    func didBootAsync(_ app: Application) async throws {
        let trust = app.licna.trust
        let database = app.db
        let logger = app.logger
        try await trust.reload(on: database)
        if let (host, port) = trust.configuration.ocspListener {
            let address = try await trust.ocspListener.start(host: host, port: port, group: app.eventLoopGroup, service: trust.ocsp,
                                                             database: database, sqliteFile: app.licna.configuration.storage.sqliteFile,
                                                             metrics: app.licna.metrics,
                                                             trustedProxies: app.licna.configuration.trustedProxies)
            logger.notice("OCSP listener ready", metadata: ["address": "\(address.map { "\($0)" } ?? "?")"])
        }
        tasks.tasks.append(Task {
            while !Task.isCancelled {
                do { try await trust.ocsp.pollChanges(on: database) } catch {
                    logger.warning("could not read certificate status changes", metadata: ["error": "\(String(reflecting: type(of: error)))"])
                }
                try? await Task.sleep(for: .milliseconds(Int(trust.configuration.statusPollInterval * 1_000)))
            }
        })
        let cards = app.licna.cards(on: database)
        tasks.tasks.append(Task {
            while !Task.isCancelled {
                await Self.maintain(trust: trust, database: database, logger: logger)
                // Cards never activated within the window lose their certificates.
                do { try await cards.maintain() } catch {
                    logger.error("card maintenance failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(30))
            }
        })
    }

    /// CRLs when due, responder renewal, and a reload when another process renewed a key.
    static func maintain(trust: TrustServices, database: any Database, logger: Logger) async {
        let authority = trust.authority(on: database)
        do {
            guard try await TrustHierarchy.load(on: database, vault: trust.vault) != nil else { return }
            if try await authority.crlsAreDue() {
                try await trust.crls(on: database).publishAll()
                if let rootCRL = try await trust.crls(on: database).stored(CRLName(authority: .root, partition: 0)),
                   rootCRL.nextUpdate.timeIntervalSince(trust.clock.now) < 30 * 86_400 {
                    logger.warning("the root CRL expires soon and needs the offline root key: run `licna ca crl --with-root`",
                                   metadata: ["nextUpdate": "\(rootCRL.nextUpdate)"])
                }
                // Said each time the CRLs are produced, until an operator rolls the citizen CA over.
                let citizen = try await authority.citizenCAState()
                if citizen.rolloverDue {
                    logger.warning("the citizen CA can soon no longer cover full-length certificates: run `licna ca rollover` with the root passphrase",
                                   metadata: ["current": "\(citizen.current)", "fullPeriodUntil": "\(citizen.fullPeriodUntil)"])
                }
            }
            // Deaths recorded by any process (the registry's outbox) revoke the person's certificates.
            try await authority.processDeaths()
            let result = try await authority.renewResponders()
            if !result.waiting.isEmpty {
                logger.warning("OCSP responder certificates are due for renewal but their CA key could not be used",
                               metadata: ["authorities": "\(result.waiting.joined(separator: ","))"])
            }
            if try await TrustHierarchy.keysVersion(on: database) != trust.ocsp.keysVersion {
                try await trust.reload(on: database)
            }
        } catch {
            logger.error("trust-service maintenance failed", metadata: ["error": "\(error)"])
        }
    }

    func shutdownAsync(_ app: Application) async {
        await app.licna.trust.ocspListener.stop()
        for task in tasks.tasks { task.cancel() }
        tasks.tasks.removeAll()
    }
}
