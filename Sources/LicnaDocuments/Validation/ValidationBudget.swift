import Foundation

/// Counts the work of one validation against its `ValidationLimits`: the PDF reader charges the bytes it decodes,
/// the validator the signatures it verifies, and both ask for the time at every unit of work. Shared by every
/// signature of a document and by concurrent readers of one `PDFFile`, so it is a class behind a lock. Once a limit
/// is reached it stays reached: every later charge throws the same `ValidationLimitExceeded`.
public final class ValidationBudget: @unchecked Sendable {
    public let limits: ValidationLimits
    private let elapsed: @Sendable () -> Duration
    private let lock = NSLock()
    private var decoded = 0
    private var verifications = 0
    private var entries = 0
    private var exceeded: ValidationLimitExceeded?
    private var streams: [StreamKey: [UInt8]] = [:]

    /// Where a stream's data lies in the file (revisions of one file share its offsets) and how it is encoded.
    struct StreamKey: Hashable {
        var start: Int
        var count: Int
        var filters: PDFObject
        var parameters: PDFObject
    }

    /// A budget whose time starts now on `clock` (inject a test clock to exercise the time limit).
    public init(limits: ValidationLimits, clock: any Clock<Duration>) {
        self.limits = limits
        elapsed = clock.stopwatch()
    }

    /// What has been counted so far.
    public var counters: ValidationCounters {
        lock.withLock {
            ValidationCounters(decodedBytes: decoded, signatureVerifications: verifications, dssEntries: entries,
                               limitReached: exceeded?.limit)
        }
    }

    /// The limit reached, if any.
    public var limitReached: ValidationLimitExceeded? { lock.withLock { exceeded } }

    /// How many more bytes may be decoded.
    var remainingDecodedBytes: Int { lock.withLock { max(limits.maximumDecodedBytes - decoded, 0) } }

    /// Counts `count` decoded bytes; throws when that goes past the limit (or another limit was reached).
    func chargeDecodedBytes(_ count: Int) throws {
        try charge { state in
            state.decoded += count
            return state.decoded > state.limits.maximumDecodedBytes ? .decodedBytes : nil
        }
    }

    /// Records that decoding stopped because the remaining decoded-bytes budget was too small.
    func decodedBytesExhausted() -> ValidationLimitExceeded {
        reach(.decodedBytes)
    }

    /// A structural stream already decoded in this validation.
    func decodedStream(_ key: StreamKey) -> [UInt8]? { lock.withLock { streams[key] } }

    /// Keeps a structural stream's decoded data for the rest of the validation (already charged).
    func keep(_ data: [UInt8], for key: StreamKey) { lock.withLock { streams[key] = data } }

    /// Counts one signature verification about to be made.
    func chargeVerification() throws {
        try charge { state in
            state.verifications += 1
            return state.verifications > state.limits.maximumSignatureVerifications ? .signatureVerifications : nil
        }
    }

    /// Counts the DSS entries of a document before any is decoded.
    func chargeDSSEntries(_ count: Int) throws {
        try charge { state in
            state.entries += count
            return state.entries > state.limits.maximumDSSEntries ? .dssEntries : nil
        }
    }

    /// Throws when the time (or another limit) has been reached.
    func checkTime() throws {
        try charge { _ in nil }
    }

    private func charge(_ count: (ValidationBudget) -> ValidationLimitExceeded.Limit?) throws {
        let time = elapsed()
        let error: ValidationLimitExceeded? = lock.withLock {
            if let exceeded { return exceeded }
            let limit = count(self) ?? (time > limits.maximumDuration ? .duration : nil)
            guard let limit else { return nil }
            exceeded = ValidationLimitExceeded(limit, limits: limits)
            return exceeded
        }
        if let error { throw error }
    }

    private func reach(_ limit: ValidationLimitExceeded.Limit) -> ValidationLimitExceeded {
        lock.withLock {
            if let exceeded { return exceeded }
            let error = ValidationLimitExceeded(limit, limits: limits)
            exceeded = error
            return error
        }
    }
}

/// The work a validation did, in its report so that an integrator (and the tests) can see the limits at work.
public struct ValidationCounters: Codable, Sendable, Hashable {
    /// Bytes the PDF reader decoded (each stream once).
    public var decodedBytes: Int
    /// Signatures the validator verified (CMS, timestamps, OCSP responses, CRLs, chains).
    public var signatureVerifications: Int
    /// Entries the document security store holds.
    public var dssEntries: Int
    /// The limit that stopped the validation, if one did.
    public var limitReached: ValidationLimitExceeded.Limit?

    public init(decodedBytes: Int = 0, signatureVerifications: Int = 0, dssEntries: Int = 0,
                limitReached: ValidationLimitExceeded.Limit? = nil) {
        self.decodedBytes = decodedBytes
        self.signatureVerifications = signatureVerifications
        self.dssEntries = dssEntries
        self.limitReached = limitReached
    }
}

extension Clock where Duration == Swift.Duration {
    /// The time elapsed on this clock since now, each time it is called.
    fileprivate func stopwatch() -> @Sendable () -> Swift.Duration {
        let start = now
        return { start.duration(to: self.now) }
    }
}
