import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
import NIOConcurrencyHelpers
import NIOCore
import X509

/// The OCSP responder (RFC 6960 in the RFC 5019 profile). Requests without a nonce are answered from a cache of
/// pre-produced responses keyed by the request bytes; requests with a nonce get a freshly signed response that
/// echoes it, rate-limited per client, made from the status store at that moment. Every server polls
/// `pki_status_changes` and drops what it cached of any certificate whose status changed, so a change shows in
/// cached answers within one poll interval. The parts: `OCSPResponseCache`, `OCSPClientLimiter`, and an
/// `OCSPStatusStore` (`OCSPSQLStatusStore` here).
final class OCSPResponderService: Sendable {
    /// The answer and how HTTP may cache it.
    struct Answer: Sendable {
        let body: ByteBuffer
        /// Until when a cache may reuse it; nil for answers that must not be cached (nonces, errors).
        let cacheableUntil: Date?
        /// RFC 5019 §6.2 `Last-Modified` and `Expires` values, formatted once per cached response.
        let lastModified: String?
        let expires: String?
        let status: OCSPResponseStatus

        var bytes: [UInt8] { Array(buffer: body) }
    }

    /// A request that was parsed, authorized and allowed, waiting for the statuses of its certificates.
    struct PendingAnswer: Sendable {
        fileprivate let request: [UInt8]
        fileprivate let parsed: OCSPRequest
        fileprivate let issuer: OCSPIssuerIndex.Issuer
        fileprivate let serials: [Certificate.SerialNumber]
        fileprivate let serialsHex: [String]
        fileprivate let thisUpdate: Date
        fileprivate let epoch: UInt64
    }

    /// What can be said about a request without waiting: its answer, or what the status store must be asked.
    enum Preparation: Sendable {
        case answered(Answer)
        case needsStatus(PendingAnswer)
    }

    private let responders = NIOLockedValueBox<(index: OCSPIssuerIndex?, keysVersion: Int64)>((nil, -1))
    let configuration: TrustConfiguration
    let clock: any WallClock
    let cache: OCSPResponseCache
    /// Freshly signed answers per client.
    let limiter: OCSPClientLimiter

    init(configuration: TrustConfiguration, clock: any WallClock) {
        self.configuration = configuration
        self.clock = clock
        cache = OCSPResponseCache(capacity: configuration.ocspMaximumCachedAnswers,
                                  rememberedChanges: configuration.statusPollRememberedChanges)
        limiter = OCSPClientLimiter(configuration: configuration)
    }

    /// Loads the responders and the change position; called at start and whenever the keys change.
    func install(_ hierarchy: TrustHierarchy?, on database: any Database) async throws {
        let index = try hierarchy.map(OCSPIssuerIndex.init(hierarchy:))
        let last = try await OCSPSQLStatusStore(database: database).lastChange()
        responders.withLockedValue { $0 = (index, hierarchy?.keysVersion ?? -1) }
        cache.reset(lastChange: last)
    }

    var keysVersion: Int64 { responders.withLockedValue { $0.keysVersion } }

    /// The cached answer to exactly these request bytes, if one is still fresh: the synchronous fast path of the
    /// dedicated listener, which answers on the event loop without a task.
    func cachedAnswer(for request: [UInt8]) -> Answer? {
        cache.answer(for: request, now: clock.now)
    }

    /// Answers one DER request. Never throws: every failure is an OCSP error status (RFC 6960 §4.2.1).
    func respond(to request: [UInt8], client: ClientAddress?, on database: any Database) async -> Answer {
        await respond(to: request, client: client, store: OCSPSQLStatusStore(database: database))
    }

    /// Answers one DER request from `store`'s statuses (or the cached ones).
    func respond(to request: [UInt8], client: ClientAddress?, store: some OCSPStatusStore) async -> Answer {
        if let cached = cachedAnswer(for: request) { return cached }
        switch prepare(request, client: client) {
        case .answered(let answer): return answer
        case .needsStatus(let pending): return await complete(pending, store: store)
        }
    }

    /// Everything that needs no status read, synchronously (the listener calls it on the event loop after a cache
    /// miss): parse, find the CA, take a signature from the client's allowance, and sign if every status is cached.
    func prepare(_ request: [UInt8], client: ClientAddress?) -> Preparation {
        let now = clock.now
        let epoch = cache.epoch
        guard let index = responders.withLockedValue({ $0.index }) else { return .answered(Self.error(.unauthorized)) }
        let parsed: OCSPRequest
        do { parsed = try OCSPRequest(derEncoded: request) } catch { return .answered(Self.error(.malformedRequest)) }
        guard let issuer = index.issuer(for: parsed.certIDs[0]),
              parsed.certIDs.allSatisfy({ index.issuer(for: $0)?.name == issuer.name }) else {
            return .answered(Self.error(.unauthorized))  // RFC 5019 §2.2.3: not a CA this responder serves
        }
        // Every answer that is not in the cache costs a signature (and perhaps a status read): nonce requests,
        // unknown serials and first requests alike are limited per client.
        guard limiter.allow(client, now: now) else { return .answered(Self.error(.tryLater)) }
        let serials = parsed.certIDs.map { Certificate.SerialNumber(bytes: $0.serialNumber) }
        let pending = PendingAnswer(request: request, parsed: parsed, issuer: issuer, serials: serials, serialsHex: serials.map(\.hex),
                                    thisUpdate: now.wholeSeconds, epoch: epoch)
        // A nonce asks for a freshly produced answer (RFC 6960 §4.4.1): its statuses come from the store, so a
        // revocation made a moment ago by another process shows at once; other misses may use the cached statuses,
        // which the poll drops within an interval, like the cached answers.
        if parsed.nonceExtension == nil, let statuses = cache.statuses(of: pending.serialsHex, issuer: issuer.name.rawValue, now: now) {
            return .answered(sign(pending, statuses: statuses))
        }
        return .needsStatus(pending)
    }

    /// Reads the statuses `pending` needs from `store` and signs the answer.
    func complete(_ pending: PendingAnswer, store: some OCSPStatusStore) async -> Answer {
        do {
            let found = try await store.statuses(of: pending.serials, issuer: pending.issuer.name.rawValue, at: pending.thisUpdate)
            return finish(pending, statuses: pending.serials.map { found[$0] ?? .unknown })
        } catch {
            return Self.error(.internalError)
        }
    }

    /// Reads the statuses `pending` needs synchronously from an SQLite installation's file and signs the answer;
    /// nil when the read fails (the caller then takes the asynchronous path).
    func complete(_ pending: PendingAnswer, reader: OCSPSQLiteStatusReader) -> Answer? {
        guard let found = try? reader.statuses(of: pending.serialsHex, issuer: pending.issuer.name.rawValue) else { return nil }
        return finish(pending, statuses: pending.serialsHex.map { found[$0] ?? .unknown })
    }

    /// Signs the answer from statuses just read. Only requests without a nonce use cached statuses, so only theirs
    /// are kept.
    private func finish(_ pending: PendingAnswer, statuses: [OCSPCertificateStatus]) -> Answer {
        if pending.parsed.nonceExtension == nil {
            cache.store(statuses: statuses, of: pending.serialsHex, issuer: pending.issuer.name.rawValue,
                        until: pending.thisUpdate + configuration.ocspCacheLifetime, epoch: pending.epoch)
        }
        return sign(pending, statuses: statuses)
    }

    /// The signed answer; kept for its request bytes when it has no nonce and no unknown serial.
    private func sign(_ pending: PendingAnswer, statuses: [OCSPCertificateStatus]) -> Answer {
        let thisUpdate = pending.thisUpdate
        let answers = zip(pending.parsed.certIDs, statuses).map {
            OCSPSingleAnswer(certID: $0, status: $1, thisUpdate: thisUpdate, nextUpdate: thisUpdate + configuration.ocspValidity)
        }
        let body: [UInt8]
        do {
            body = try pending.issuer.builder.build(answers: answers, producedAt: thisUpdate, nonceExtension: pending.parsed.nonceExtension)
        } catch {
            return Self.error(.internalError)
        }
        guard pending.parsed.nonceExtension == nil, !statuses.contains(.unknown),
              pending.request.count <= configuration.ocspMaximumCachedRequestBytes else {
            return Answer(body: ByteBuffer(bytes: body), cacheableUntil: nil, lastModified: nil, expires: nil, status: .successful)
        }
        let reusableUntil = thisUpdate + configuration.ocspCacheLifetime
        let answer = Answer(body: ByteBuffer(bytes: body), cacheableUntil: reusableUntil, lastModified: HTTPDate.format(thisUpdate),
                            expires: HTTPDate.format(reusableUntil), status: .successful)
        cache.store(OCSPResponseCache.CachedAnswer(answer: answer, reusableUntil: reusableUntil, serials: pending.serialsHex),
                    for: pending.request, epoch: pending.epoch)
        return answer
    }

    /// RFC 5019 §6.2 caching headers, never promising more than what is left of the cache lifetime (at most
    /// `ocspMaximumHTTPMaxAge`); `no-store` for answers that must not be reused.
    func cachingHeaders(for answer: Answer) -> [(String, String)] {
        guard let until = answer.cacheableUntil, let lastModified = answer.lastModified, let expires = answer.expires else {
            return [("Cache-Control", "no-store")]
        }
        let left = Int(until.timeIntervalSince(clock.now).rounded(.down))
        let maxAge = max(0, min(configuration.ocspMaximumHTTPMaxAge, left))
        return [("Cache-Control", "public, max-age=\(maxAge), no-transform, must-revalidate"),
                ("Last-Modified", lastModified), ("Expires", expires)]
    }

    static func error(_ status: OCSPResponseStatus) -> Answer {
        Answer(body: ByteBuffer(bytes: status.unsignedResponse), cacheableUntil: nil, lastModified: nil, expires: nil, status: status)
    }

    /// Reads status changes made since the last poll (by any process) and drops their cached answers and statuses.
    func pollChanges(on database: any Database) async throws {
        let after = cache.lastChange - configuration.statusPollLookBack
        let changes = try await OCSPSQLStatusStore(database: database).changes(after: after, limit: configuration.statusPollBatch)
        cache.apply(changes, lookBack: configuration.statusPollLookBack)
    }
}
