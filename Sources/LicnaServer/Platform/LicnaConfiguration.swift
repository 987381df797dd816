import Foundation
import LicnaBasics
import LicnaCore
import LicnaDocuments

/// Everything the server and the operator's commands are configured with, read once and typed.
public struct LicnaConfiguration: Sendable {
    public var storage: StorageLocation
    public var masterKey: MasterKey
    /// The external address (`--public-url`): used in links, certificates and OIDC `iss`.
    public var publicURL: String
    public var isDevelopment: Bool
    /// SHA-256 of `LICNA_ADMIN_TOKEN`, if one is set: the server keeps only this.
    public var adminTokenHash: [UInt8]?
    /// Only whether the token is strong enough is read from it, at start (`AdminToken.weakness`).
    var adminToken: String?
    /// Unissued identification numbers to keep in the pool.
    public var poolReserve: Int
    /// The installation's wall clock: every expiry, validity window, schedule and record time on the server reads it
    /// (`SystemWallClock` from the command line; tests move an `AdjustableWallClock`).
    public var clock: any WallClock
    /// CRL schedule, partition size, OCSP caching, QSCD card models.
    public var trust: TrustConfiguration
    /// Where Prometheus scrapes `/metrics` (`serve --metrics-port`, loopback by default); nil: no metrics listener.
    /// The public listener never serves metrics.
    public var metricsListener: (host: String, port: Int)?
    /// Proxies whose `X-Forwarded-For` names the client (`serve --trusted-proxy CIDR`); from anyone else it is ignored.
    public var trustedProxies: [IPNetwork] = []
    /// How often the server writes a signed, timestamped audit checkpoint (`licna audit checkpoint`); nil: never.
    public var auditCheckpointInterval: TimeInterval? = 3_600
    /// What one signature validation (`/verify`, `POST /api/signatures/validate`) may cost
    /// (`licna serve --validation-max-decoded-mib`).
    public var validationLimits = ValidationLimits()
    /// Card issuance: the activation window, whether fingerprints are kept, the management keys' version.
    public var cards = CardIssuanceConfiguration()
    /// Single sign-on: the password hashes' scrypt cost (OWASP's N = 2^17, r = 8, p = 1 by default).
    public var passwordCost = PasswordHash.Cost.owasp
    /// Where the sign-in page finds `licna-card agent` on the citizen's computer (docs/signon.md: loopback, port
    /// 24727 by default; `serve --card-agent-port`). The page may connect there and nowhere else off its origin.
    /// Where account emails go (verification, password reset): `serve --smtp-host`, or with `--dev` a folder.
    public var mail = MailDelivery.none
    /// The legal bases an officer may give for reading a person's record (`LegalBasis`).
    public var legalBases = LegalBasis.standard
    /// Reads of person records per officer and hour above which the auditor's page flags the officer (mass lookups).
    public var massLookupThreshold = 100
    /// Verification pages (`/d/{id}`) per second per client address, with bursts of six times as many.
    public var documentVerificationRate = 5.0
    /// The folder of service files (docs/services.md); nil: the catalogue shipped with Licna.
    public var servicesFolder: String?
    public var cardAgentURL = "http://127.0.0.1:\(CardAgentPort.standard)"

    public init(storage: StorageLocation, masterKey: MasterKey, publicURL: String = "http://127.0.0.1:8080",
                isDevelopment: Bool = false, adminToken: String? = nil, poolReserve: Int = 10_000,
                clock: any WallClock, trust: TrustConfiguration = TrustConfiguration()) {
        self.storage = storage
        self.masterKey = masterKey
        self.publicURL = publicURL
        self.isDevelopment = isDevelopment
        self.adminTokenHash = adminToken.map(AdminToken.hash)
        self.adminToken = adminToken
        self.poolReserve = poolReserve
        self.clock = clock
        self.trust = trust
    }

    /// Cookies can be `Secure` only when the public address is https.
    public var secureCookies: Bool { publicURL.lowercased().hasPrefix("https://") }
}

/// The card agent's documented port (docs/signon.md).
public enum CardAgentPort {
    public static let standard = 24_727
}
