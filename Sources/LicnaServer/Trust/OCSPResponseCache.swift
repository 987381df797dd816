import Foundation
import LicnaPKI
import NIOConcurrencyHelpers

/// What the OCSP responder remembers between requests: pre-produced answers keyed by the exact request bytes
/// (RFC 5019 §2.1.1 clients send the same bytes every time), and the certificate statuses the answers were made
/// from, so that a request with a nonce is signed without a database read. Both are reused for at most the cache
/// lifetime and dropped as soon as the status poll sees a change to their certificate; whatever was read across
/// such a change (the epoch moved) is not kept. A full cache is emptied, never grown.
final class OCSPResponseCache: Sendable {
    struct CachedAnswer: Sendable {
        let answer: OCSPResponderService.Answer
        let reusableUntil: Date
        let serials: [String]
    }

    private struct CachedStatus: Sendable {
        let issuer: String
        let status: OCSPCertificateStatus
        let reusableUntil: Date
    }

    private struct State {
        var answers: [[UInt8]: CachedAnswer] = [:]
        /// By serial (lower-case hex), the statuses of every issuer that has one (serials are unique per CA only).
        var statuses: [String: [CachedStatus]] = [:]
        var requestsBySerial: [String: [[UInt8]]] = [:]
        /// Bumped on every invalidation: what was computed across one is not cached.
        var epoch: UInt64 = 0
        var lastChange: Int64 = 0
        var appliedChanges: Set<Int64> = []
    }

    private let state = NIOLockedValueBox(State())
    /// At most this many answers, and as many statuses (`TrustConfiguration.ocspMaximumCachedAnswers`).
    let capacity: Int
    /// How many applied change ids are remembered beyond the look-back window of the poll.
    let rememberedChanges: Int

    init(capacity: Int, rememberedChanges: Int) {
        self.capacity = max(capacity, 1)
        self.rememberedChanges = rememberedChanges
    }

    /// Empties the cache (new responder keys) and moves the change position forward to `lastChange`.
    func reset(lastChange: Int64) {
        state.withLockedValue {
            $0.answers.removeAll()
            $0.statuses.removeAll()
            $0.requestsBySerial.removeAll()
            $0.epoch &+= 1
            $0.lastChange = max($0.lastChange, lastChange)
        }
    }

    var epoch: UInt64 { state.withLockedValue { $0.epoch } }
    var lastChange: Int64 { state.withLockedValue { $0.lastChange } }

    /// The answer to exactly these request bytes, if it is still fresh at `now`.
    func answer(for request: [UInt8], now: Date) -> OCSPResponderService.Answer? {
        state.withLockedValue { state in
            guard let cached = state.answers[request], cached.reusableUntil > now else { return nil }
            return cached.answer
        }
    }

    /// The statuses of all of `serials` of `issuer` if every one is cached and fresh at `now`, else nil.
    func statuses(of serials: [String], issuer: String, now: Date) -> [OCSPCertificateStatus]? {
        state.withLockedValue { state in
            var found: [OCSPCertificateStatus] = []
            found.reserveCapacity(serials.count)
            for serial in serials {
                guard let cached = state.statuses[serial]?.first(where: { $0.issuer == issuer }), cached.reusableUntil > now else { return nil }
                found.append(cached.status)
            }
            return found
        }
    }

    /// Keeps statuses read from the store at `epoch` (`unknown` ones are not kept: the certificate may yet be issued).
    func store(statuses: [OCSPCertificateStatus], of serials: [String], issuer: String, until: Date, epoch: UInt64) {
        state.withLockedValue { state in
            guard state.epoch == epoch else { return }
            makeRoom(&state)
            for (serial, status) in zip(serials, statuses) where status != .unknown {
                var entries = state.statuses[serial, default: []].filter { $0.issuer != issuer }
                entries.append(CachedStatus(issuer: issuer, status: status, reusableUntil: until))
                state.statuses[serial] = entries
            }
        }
    }

    /// Keeps an answer made at `epoch` for its request bytes.
    func store(_ answer: CachedAnswer, for request: [UInt8], epoch: UInt64) {
        state.withLockedValue { state in
            guard state.epoch == epoch else { return }  // a status changed while this answer was being made
            makeRoom(&state)
            state.answers[request] = answer
            for serial in answer.serials { state.requestsBySerial[serial, default: []].append(request) }
        }
    }

    private func makeRoom(_ state: inout State) {
        guard state.answers.count >= capacity || state.statuses.count >= capacity else { return }
        state.answers.removeAll(keepingCapacity: true)
        state.statuses.removeAll(keepingCapacity: true)
        state.requestsBySerial.removeAll(keepingCapacity: true)
    }

    /// Drops what the changes (id, serial) not applied yet touch. The poll looks back over ids it has seen, because
    /// PostgreSQL may commit a lower id after a higher one; those it has already applied are skipped here.
    func apply(_ changes: [(id: Int64, serial: String)], lookBack: Int64) {
        state.withLockedValue { state in
            let fresh = changes.filter { !state.appliedChanges.contains($0.id) }
            guard !fresh.isEmpty else { return }
            state.epoch &+= 1
            for (id, serial) in fresh {
                state.appliedChanges.insert(id)
                state.lastChange = max(state.lastChange, id)
                state.statuses.removeValue(forKey: serial)
                for key in state.requestsBySerial.removeValue(forKey: serial) ?? [] { state.answers.removeValue(forKey: key) }
            }
            let floor = state.lastChange - lookBack
            if state.appliedChanges.count > rememberedChanges { state.appliedChanges = state.appliedChanges.filter { $0 > floor } }
        }
    }
}
