import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import X509

/// The OCSP responder (RFC 6960 in the RFC 5019 profile). Requests without a nonce are answered from a cache of
/// pre-produced responses keyed by the request bytes; requests with a nonce get a freshly signed response that
/// echoes it, rate-limited per client. Every server polls `pki_status_changes` and drops the cached answers of
/// any certificate whose status another process changed, so a change shows within one poll interval.
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

        /// RFC 5019 §6.2 caching headers, never promising more than the cache lifetime (at most 60 s); `no-store`
        /// for answers that must not be reused.
        var cachingHeaders: [(String, String)] {
            guard let until = cacheableUntil, let lastModified, let expires else { return [("Cache-Control", "no-store")] }
            let maxAge = max(0, min(60, Int(until.timeIntervalSinceNow.rounded(.down))))
            return [("Cache-Control", "public, max-age=\(maxAge), no-transform, must-revalidate"),
                    ("Last-Modified", lastModified), ("Expires", expires)]
        }
    }

    private struct CachedResponse {
        let answer: Answer
        let reusableUntil: Date
        let serials: [String]
    }

    private struct State {
        var index: OCSPIssuerIndex?
        var keysVersion: Int64 = -1
        var cache: [[UInt8]: CachedResponse] = [:]
        var keysBySerial: [String: [[UInt8]]] = [:]
        /// Bumped on every invalidation: a response computed across one is not cached.
        var epoch: UInt64 = 0
        var lastChange: Int64 = 0
        var appliedChanges: Set<Int64> = []
    }

    static let maximumCacheEntries = 100_000
    /// Only requests up to this size are cached (a one-CertID request is about 80–120 bytes): padded variants of
    /// one request cannot fill memory, at most 100,000 × 512 bytes of keys.
    static let maximumCachedRequest = 512
    private let state = NIOLockedValueBox(State())
    let configuration: TrustConfiguration
    let clock: any WallClock
    /// Freshly signed answers per client (`nonceRequestsPerSecond`, bursts of twice that).
    let limiter: ClientRateLimiter

    init(configuration: TrustConfiguration, clock: any WallClock) {
        self.configuration = configuration
        self.clock = clock
        limiter = ClientRateLimiter(rate: configuration.nonceRequestsPerSecond)
    }

    /// Loads the responders and the change position; called at start and whenever the keys change.
    func install(_ hierarchy: TrustHierarchy?, on database: any Database) async throws {
        let index = try hierarchy.map(OCSPIssuerIndex.init(hierarchy:))
        let last = try await Self.lastChange(on: database)
        state.withLockedValue {
            $0.index = index
            $0.keysVersion = hierarchy?.keysVersion ?? -1
            $0.cache.removeAll()
            $0.keysBySerial.removeAll()
            $0.epoch &+= 1
            $0.lastChange = max($0.lastChange, last)
        }
    }

    var keysVersion: Int64 { state.withLockedValue { $0.keysVersion } }

    /// The cached answer to exactly these request bytes, if one is still fresh: the synchronous fast path of the
    /// dedicated listener, which answers on the event loop without a task.
    func cachedAnswer(for request: [UInt8]) -> Answer? {
        let now = clock.now
        return state.withLockedValue { state in
            guard let cached = state.cache[request], cached.reusableUntil > now else { return nil }
            return cached.answer
        }
    }

    /// Answers one DER request. Never throws: every failure is an OCSP error status (RFC 6960 §4.2.1).
    func respond(to request: [UInt8], client: ClientAddress?, on database: any Database) async -> Answer {
        let now = clock.now
        let (cached, index, epoch) = state.withLockedValue { state -> (CachedResponse?, OCSPIssuerIndex?, UInt64) in
            (state.cache[request], state.index, state.epoch)
        }
        if let cached, cached.reusableUntil > now { return cached.answer }
        guard let index else { return Self.error(.unauthorized) }
        let parsed: OCSPRequest
        do { parsed = try OCSPRequest(derEncoded: request) } catch { return Self.error(.malformedRequest) }
        guard let issuer = index.issuer(for: parsed.certIDs[0]),
              parsed.certIDs.allSatisfy({ index.issuer(for: $0)?.name == issuer.name }) else {
            return Self.error(.unauthorized)  // RFC 5019 §2.2.3: not a CA this responder serves
        }
        // Every answer that is not in the cache costs a database read and a signature: nonce requests, unknown
        // serials and first requests alike are limited per client.
        if let client, !limiter.allow(client.limitKey, now: now) {
            return Self.error(.tryLater)
        }
        do {
            let serials = parsed.certIDs.map { Certificate.SerialNumber(bytes: $0.serialNumber).hex }
            let records = try await lookUp(serials, authority: issuer.name, on: database)
            let thisUpdate = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
            var answers: [OCSPSingleAnswer] = []
            var anyUnknown = false
            for (certID, serial) in zip(parsed.certIDs, serials) {
                let status = records[serial]?.ocspStatus ?? .unknown
                if status == .unknown { anyUnknown = true }
                answers.append(OCSPSingleAnswer(certID: certID, status: status, thisUpdate: thisUpdate,
                                                nextUpdate: thisUpdate + configuration.ocspValidity))
            }
            let body = try issuer.builder.build(answers: answers, producedAt: thisUpdate, nonceExtension: parsed.nonceExtension)
            guard parsed.nonceExtension == nil, !anyUnknown, request.count <= Self.maximumCachedRequest else {
                return Answer(body: ByteBuffer(bytes: body), cacheableUntil: nil, lastModified: nil, expires: nil, status: .successful)
            }
            let reusableUntil = thisUpdate + configuration.ocspCacheLifetime
            let answer = Answer(body: ByteBuffer(bytes: body), cacheableUntil: reusableUntil, lastModified: HTTPDate.format(thisUpdate),
                                expires: HTTPDate.format(reusableUntil), status: .successful)
            store(CachedResponse(answer: answer, reusableUntil: reusableUntil, serials: serials), for: request, epoch: epoch)
            return answer
        } catch {
            return Self.error(.internalError)
        }
    }

    static func error(_ status: OCSPResponseStatus) -> Answer {
        Answer(body: ByteBuffer(bytes: status.unsignedResponse), cacheableUntil: nil, lastModified: nil, expires: nil, status: status)
    }

    private func lookUp(_ serials: [String], authority: AuthorityName, on database: any Database) async throws -> [String: CertificateRecord] {
        let sql = database.sql
        let rows = try await sql.select().columns(CertificateRecord.columns.map { SQLColumn($0) }).from("pki_certificates")
            .where("serial", .in, serials).where("authority_id", .equal, authority.rawValue).all()
        var records: [String: CertificateRecord] = [:]
        for row in rows {
            let record = try CertificateRecord(row: row)
            records[record.serial] = record
        }
        return records
    }

    private func store(_ response: CachedResponse, for request: [UInt8], epoch: UInt64) {
        state.withLockedValue { state in
            guard state.epoch == epoch else { return }  // a status changed while this answer was being made
            if state.cache.count >= Self.maximumCacheEntries {
                state.cache.removeAll(keepingCapacity: true)
                state.keysBySerial.removeAll(keepingCapacity: true)
            }
            state.cache[request] = response
            for serial in response.serials { state.keysBySerial[serial, default: []].append(request) }
        }
    }

    /// Reads status changes made since the last poll (by any process) and drops their cached answers.
    /// PostgreSQL may commit a lower id after a higher one was seen, so the poll looks back 100 ids and skips
    /// the ones it has already applied.
    func pollChanges(on database: any Database) async throws {
        let after = state.withLockedValue { $0.lastChange }
        let sql = database.sql
        let rows = try await sql.raw("SELECT id, serial FROM pki_status_changes WHERE id > \(bind: after - 100) ORDER BY id LIMIT 20000").all()
        var changes: [(Int64, String)] = []
        for row in rows {
            changes.append((try row.decode(column: "id", as: Int64.self), try row.decode(column: "serial", as: String.self)))
        }
        state.withLockedValue { state in
            let fresh = changes.filter { !state.appliedChanges.contains($0.0) }
            guard !fresh.isEmpty else { return }
            state.epoch &+= 1
            for (id, serial) in fresh {
                state.appliedChanges.insert(id)
                state.lastChange = max(state.lastChange, id)
                for key in state.keysBySerial.removeValue(forKey: serial) ?? [] { state.cache.removeValue(forKey: key) }
            }
            let floor = state.lastChange - 100
            if state.appliedChanges.count > 1_000 { state.appliedChanges = state.appliedChanges.filter { $0 > floor } }
        }
    }

    static func lastChange(on database: any Database) async throws -> Int64 {
        let sql = database.sql
        let row = try await sql.raw("SELECT MAX(id) AS last FROM pki_status_changes").first()
        return (try? row?.decode(column: "last", as: Int64?.self)) ?? 0
    }
}
