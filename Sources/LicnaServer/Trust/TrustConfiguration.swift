import Foundation
import LicnaPKI
import X509

/// How the trust services behave; defaults are what a national deployment would start from.
public struct TrustConfiguration: Sendable {
    /// Certificates per CRL partition. A certificate's partition is fixed when it is signed (by its authority's
    /// issuance count then), so no partition's CRL can list more than this many entries, plus the issuances in flight
    /// when it filled, however many certificates are held.
    public var crlPartitionSize: Int
    /// How often CRLs are produced (hourly by default); a keyCompromise revocation produces them at once.
    public var crlInterval: TimeInterval
    /// How long a CRL stays valid after it is produced (nextUpdate − thisUpdate). Three intervals: a late run
    /// does not leave relying parties with an expired CRL.
    public var crlValidity: TimeInterval { crlInterval * 3 }
    /// The root's CRL lives a year: the root key is offline and lists only CA certificates.
    public var rootCRLValidity: TimeInterval
    /// Default certificate lifetime when the caller gives none (5 years), never beyond the issuing CA.
    public var defaultValidity: TimeInterval
    /// Delegated OCSP responder certificates live about 3 months and are renewed this long before expiry.
    public var responderValidity: TimeInterval
    public var responderRenewalMargin: TimeInterval
    /// A pre-produced OCSP response is served from the cache for at most this long (and HTTP caches are told so).
    public var ocspCacheLifetime: TimeInterval
    /// `nextUpdate − thisUpdate` in OCSP responses.
    public var ocspValidity: TimeInterval
    /// How often each server looks for status changes made by other processes.
    public var statusPollInterval: TimeInterval
    /// Freshly signed OCSP responses (nonce requests, cache misses, unknown serials) allowed per client address
    /// (IPv6: per /64) per second, with a burst of twice that; beyond it the answer is tryLater.
    public var nonceRequestsPerSecond: Double
    /// Bursts of freshly signed OCSP responses per client: this many times `nonceRequestsPerSecond`.
    public var ocspBurstFactor: Double = 2
    /// Client addresses the OCSP limiter remembers; the least recently seen are forgotten first (at worst one extra
    /// burst for a forgotten client), so a flood of addresses cannot grow memory.
    public var ocspTrackedClients: Int = 100_000
    /// Pre-produced OCSP answers kept in memory (and as many certificate statuses); a full cache is emptied.
    public var ocspMaximumCachedAnswers: Int = 100_000
    /// Only OCSP requests up to this many bytes are cached (a one-CertID request is about 80–120 bytes), so padded
    /// variants of one request cannot fill memory: at most `ocspMaximumCachedAnswers` × this many bytes of keys.
    public var ocspMaximumCachedRequestBytes: Int = 512
    /// The longest `max-age`, in seconds, promised to HTTP caches for an OCSP answer (RFC 5019 §6.2); never more
    /// than what is left of the answer's cache lifetime.
    public var ocspMaximumHTTPMaxAge: Int = 60
    /// How far back, in change ids, the status poll looks: PostgreSQL may commit a lower id after a higher one.
    public var statusPollLookBack: Int64 = 100
    /// Status changes read per poll at most.
    public var statusPollBatch: Int = 20_000
    /// Applied change ids remembered before the ones below the look-back window are forgotten.
    public var statusPollRememberedChanges: Int = 1_000
    /// Where the dedicated SwiftNIO OCSP listener listens (`licna serve --ocsp-port`); nil for none.
    public var ocspListener: (host: String, port: Int)?
    /// Timestamps (`POST /pki/tsa`) allowed per client address (IPv6: per /64) per second, with a burst of twice
    /// that; beyond it the answer is a rejection with HTTP 429 and `Retry-After`. Each one is a signature.
    public var timestampRequestsPerSecond: Double = 20
    /// Card models certified as QSCDs (ETSI EN 319 412-5 §4.2.2), each with the manufacturer roots its cards'
    /// key attestations chain to (`serve --qscd-model NAME --attestation-root FILE`). A signature certificate
    /// states QcSSCD only for a key whose attestation chains to the roots of the model it names. The virtual card's
    /// model is never taken from here (see `acceptsDevelopmentCards`).
    public var qscdModels: [String: [Certificate]]
    /// True on a development installation (`--dev`): the installation's own development root for virtual cards
    /// stands for the model `licna-virtual`, so that a development card reaches QESig. Never in production.
    public var acceptsDevelopmentCards: Bool
    /// The certified models' names.
    public var qscdCardModels: Set<String> { Set(qscdModels.keys) }

    public init(crlPartitionSize: Int = 10_000, crlInterval: TimeInterval = 3_600, rootCRLValidity: TimeInterval = 365 * 86_400,
                defaultValidity: TimeInterval = 5 * 365.25 * 86_400, responderValidity: TimeInterval = 92 * 86_400,
                responderRenewalMargin: TimeInterval = 30 * 86_400, ocspCacheLifetime: TimeInterval = 60,
                ocspValidity: TimeInterval = 300, statusPollInterval: TimeInterval = 0.25,
                nonceRequestsPerSecond: Double = 50, ocspListener: (host: String, port: Int)? = nil,
                qscdModels: [String: [Certificate]] = [:], acceptsDevelopmentCards: Bool = false) {
        self.crlPartitionSize = crlPartitionSize
        self.crlInterval = crlInterval
        self.rootCRLValidity = rootCRLValidity
        self.defaultValidity = defaultValidity
        self.responderValidity = responderValidity
        self.responderRenewalMargin = responderRenewalMargin
        self.ocspCacheLifetime = ocspCacheLifetime
        self.ocspValidity = ocspValidity
        self.statusPollInterval = statusPollInterval
        self.nonceRequestsPerSecond = nonceRequestsPerSecond
        self.ocspListener = ocspListener
        self.qscdModels = qscdModels
        self.acceptsDevelopmentCards = acceptsDevelopmentCards
    }
}

/// The addresses written into certificates, all under the public URL.
struct TrustURLs: Sendable {
    let base: String
    /// The OCSP address in AIA: `<public URL>/pki/ocsp`, or a dedicated host (`licna ca init --ocsp-url`).
    let ocsp: String

    init(publicURL: String, ocspURL: String? = nil) {
        base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        ocsp = ocspURL ?? base + "/pki/ocsp"
    }

    func caIssuers(_ authority: AuthorityName) -> String { base + "/pki/ca/\(authority.rawValue).cer" }
    func crl(_ authority: AuthorityName, partition: Int) -> String { base + "/pki/crl/" + CRLName(authority: authority, partition: partition).fileName }
    var disclosureStatement: String { base + "/pki/pds" }
}

/// The CAs of a Licna hierarchy (`licna ca init`): the root, the citizen CA, the institution CA and the CSCA; and,
/// after a rollover (`licna ca rollover`), later generations of the citizen CA, `citizen2`, `citizen3`, … Each
/// generation keeps its own key, responder, counters and CRLs for as long as its certificates live.
public struct AuthorityName: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    /// 1 for the CAs made at `ca init`; 2, 3, … for the citizen CAs of later rollovers.
    public let generation: Int

    public static let root = AuthorityName(known: "root")
    public static let citizen = AuthorityName(known: "citizen")
    public static let institution = AuthorityName(known: "institution")
    public static let csca = AuthorityName(known: "csca")

    private init(known name: String, generation: Int = 1) {
        rawValue = name
        self.generation = generation
    }

    /// A known name, or `citizen<N>` with N from 2, written without leading zeros.
    public init?(rawValue: String) {
        if ["root", "citizen", "institution", "csca"].contains(rawValue) {
            self.init(known: rawValue)
            return
        }
        let digits = rawValue.dropFirst("citizen".count)
        guard rawValue.hasPrefix("citizen"), !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), digits.first != "0",
              digits.count <= 4, let generation = Int(digits), generation >= 2 else { return nil }
        self.init(known: rawValue, generation: generation)
    }

    /// The citizen CA of `generation` (1 is `citizen`).
    public static func citizen(generation: Int) -> AuthorityName {
        generation <= 1 ? .citizen : AuthorityName(rawValue: "citizen\(generation)")!
    }

    /// True for every generation of the citizen CA.
    public var isCitizen: Bool { rawValue.hasPrefix("citizen") }

    /// CAs whose end-entity CRLs are partitioned.
    var isPartitioned: Bool { isCitizen || self == .institution }

    public var description: String { rawValue }
}

/// The file name of a CRL: `root.crl`, `csca.crl`, `citizen-0.crl`, …
struct CRLName: Hashable, Sendable {
    let authority: AuthorityName
    /// The partition, or 0 for an unpartitioned CA.
    let partition: Int

    var fileName: String {
        authority.isPartitioned ? "\(authority.rawValue)-\(partition).crl" : "\(authority.rawValue).crl"
    }

    init(authority: AuthorityName, partition: Int) {
        self.authority = authority
        self.partition = partition
    }

    init?(fileName: String) {
        guard fileName.hasSuffix(".crl") else { return nil }
        let stem = fileName.dropLast(4)
        if let authority = AuthorityName(rawValue: String(stem)), !authority.isPartitioned {
            self.init(authority: authority, partition: 0)
            return
        }
        let parts = stem.split(separator: "-")
        guard parts.count == 2, let authority = AuthorityName(rawValue: String(parts[0])), authority.isPartitioned,
              let partition = Int(parts[1]), partition >= 0, String(partition) == parts[1] else { return nil }
        self.init(authority: authority, partition: partition)
    }
}
