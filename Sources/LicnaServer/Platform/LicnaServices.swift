import Fluent
import LicnaCore
import Vapor

/// The services of one Licna installation, made once from its configuration.
public struct LicnaServices: Sendable {
    public let configuration: LicnaConfiguration
    public let protector: PersonalNumberProtector
    public let audit: AuditLog
    public let pool: IdentificationNumberPool
    public let metrics: LicnaMetrics
    public let trust: TrustServices
    let officerSessions: OfficerSessionStore
    let loginThrottle = LoginThrottle()
    /// Wrong suspension codes per client (each card also keeps its own count, stored).
    let suspensionThrottle = LoginThrottle()
    /// Card-holder requests that make the server work or keep state (nonces, proofs, blocked reports), per client:
    /// two a second with bursts of ten, far above what one citizen's tool sends.
    let cardHolderLimiter = ClientRateLimiter(rate: 2, burst: 10)
    let metricsListener = MetricsListener()
    /// Card renewals in progress (five minutes each, in this process).
    let cardRenewals = CardRenewalSessions()
    /// Password hashes, on threads of their own, bounded (`PasswordHashingQueue`).
    let passwordHashing = PasswordHashingQueue()
    /// Sign-ins in progress at the identity provider (ten minutes each, in this process).
    let signOnInteractions = SignOnInteractions()
    /// Wrong passwords per client address and per account.
    let signOnThrottle = LoginThrottle()
    /// The identity provider's signing keys, for a minute at a time.
    let signingKeyCache = SigningKeyCache()
    /// The JWKS documents of relying parties registered with a `jwks_uri`.
    let clientKeyCache = ClientKeyCache()
    /// Refresh-token rotation straight on an SQLite installation's file.
    let tokenRotator: SQLiteTokenRotator?
    /// Public verification pages of issued documents (`/d/{id}`), per client (five a second with bursts of thirty
    /// by default).
    let documentVerificationLimiter: ClientRateLimiter
    /// The portal's service catalogue and its search index, reloaded when its folder changes.
    public let catalogue: ServiceCatalogueStore

    init(configuration: LicnaConfiguration) throws {
        self.configuration = configuration
        self.protector = PersonalNumberProtector(masterKey: configuration.masterKey)
        self.audit = AuditLog(clock: configuration.clock, sqliteFile: configuration.storage.sqliteFile)
        self.pool = IdentificationNumberPool(reserve: configuration.poolReserve, clock: configuration.clock)
        self.metrics = LicnaMetrics()
        self.trust = TrustServices(masterKey: configuration.masterKey, audit: audit, clock: configuration.clock,
                                   configuration: configuration.trust)
        self.officerSessions = OfficerSessionStore(masterKey: configuration.masterKey, clock: configuration.clock)
        self.tokenRotator = configuration.storage.sqliteFile.map(SQLiteTokenRotator.init(path:))
        self.documentVerificationLimiter = ClientRateLimiter(rate: configuration.documentVerificationRate, burst: configuration.documentVerificationRate * 6)
        self.catalogue = try ServiceCatalogueStore(folder: configuration.servicesFolder.map { URL(fileURLWithPath: $0) } ?? ServiceCatalogueStore.bundledFolder)
    }

    /// Signed, timestamped checkpoints of the audit trail's head (`licna audit checkpoint`).
    public var auditCheckpoints: AuditCheckpointService { AuditCheckpointService(trust: trust, clock: configuration.clock) }

    /// Card issuance on a database (the application's, or a request's).
    public func cards(on database: any Database) -> CardIssuanceService {
        CardIssuanceService(database: database, services: self)
    }

    /// Single sign-on on a database: accounts, relying parties and the OpenID Connect provider.
    public func signOn(on database: any Database) -> SignOnService {
        SignOnService(database: database, services: self)
    }

    /// The registry on a database (the application's, or a request's).
    public func registry(on database: any Database) -> RegistryService {
        RegistryService(database: database, protector: protector, pool: pool, audit: audit, clock: configuration.clock)
    }
}

extension Application {
    private struct LicnaServicesKey: StorageKey { typealias Value = LicnaServices }

    /// The installation's services; set by `configureLicna`.
    public var licna: LicnaServices {
        get {
            guard let services = storage[LicnaServicesKey.self] else { fatalError("configureLicna(_:_:) was not called") }
            return services
        }
        set { storage[LicnaServicesKey.self] = newValue }
    }
}
