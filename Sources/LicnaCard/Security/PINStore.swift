/// The card-global PIN and PUK with their try counters (NIST SP 800-73-4 §3.2): one PIN for every application,
/// 5 tries each by default. This is the part of the card image that VERIFY, CHANGE REFERENCE DATA and RESET
/// RETRY COUNTER change, and every change goes through `persist` before the card acts on a comparison.
public struct PINStore: Hashable, Sendable, Codable {
    /// Key references of SP 800-73-4 table 4: `80` the PIN, `81` the PUK.
    public enum Reference: UInt8, Sendable {
        case pin = 0x80
        case puk = 0x81
    }

    public private(set) var pin: ReferenceData
    public private(set) var pinCounter: RetryCounter
    public private(set) var puk: ReferenceData
    public private(set) var pukCounter: RetryCounter

    public init(pin: ReferenceData, puk: ReferenceData, pinTries: Int = 5, pukTries: Int = 5) {
        self.pin = pin
        self.puk = puk
        pinCounter = RetryCounter(limit: pinTries)
        pukCounter = RetryCounter(limit: pukTries)
    }

    /// PIN and PUK both exhausted: the card refuses every private-key operation for good.
    public var isPermanentlyBlocked: Bool { pinCounter.isBlocked && pukCounter.isBlocked }

    /// VERIFY (`00 20 00 80|81`, SP 800-73-4 §3.2.1). `persist` makes the store durable and throws if it cannot;
    /// a try is persisted before the comparison and given back (persisted again) only after a match.
    /// An empty `presented` asks for the state: `90 00` if `verified`, else `63 Cx` or `69 83`.
    public mutating func verify(_ reference: Reference, presented: [UInt8], verified: Bool,
                                persist: (PINStore) throws -> Void) rethrows -> StatusWord {
        let counter = reference == .pin ? pinCounter : pukCounter
        if presented.isEmpty {
            if reference == .pin, verified, !counter.isBlocked { return .success }
            return counter.isBlocked ? .authenticationBlocked : .verificationFailed(triesLeft: counter.remaining)
        }
        guard presented.count == 8 else { return .wrongLength }
        return try attempt(reference, persist: persist) { $0.matches(pivFormatted: presented) } onMatch: { _ in }
    }

    /// CHANGE REFERENCE DATA (`00 24 00 80|81`, §3.2.2): old value (8) then new value (8).
    public mutating func change(_ reference: Reference, data: [UInt8], persist: (PINStore) throws -> Void) rethrows -> StatusWord {
        guard data.count == 16 else { return .wrongLength }
        let old = Array(data.prefix(8)), new = Array(data.suffix(8))
        guard let replacement = try? ReferenceData(pivFormatted: new) else { return .wrongData }  // no try is spent on a bad format
        return try attempt(reference, persist: persist) { $0.matches(pivFormatted: old) } onMatch: { store in
            if reference == .pin { store.pin = replacement } else { store.puk = replacement }
        }
    }

    /// RESET RETRY COUNTER (`00 2C 00 80`, §3.2.3): the PUK (8) then the new PIN (8). Spends a PUK try; an
    /// exhausted PUK means the PIN can never be reset again.
    public mutating func resetPIN(data: [UInt8], persist: (PINStore) throws -> Void) rethrows -> StatusWord {
        guard data.count == 16 else { return .wrongLength }
        let presentedPUK = Array(data.prefix(8))
        guard let replacement = try? ReferenceData(pivFormatted: Array(data.suffix(8))) else { return .wrongData }
        return try attempt(.puk, persist: persist) { $0.matches(pivFormatted: presentedPUK) } onMatch: { store in
            store.pin = replacement
            store.pinCounter.succeed()
        }
    }

    /// Take a try, persist, compare, and on a match apply `onMatch`, restore the counter and persist again.
    private mutating func attempt(_ reference: Reference, persist: (PINStore) throws -> Void,
                                  compare: (ReferenceData) -> Bool, onMatch: (inout PINStore) -> Void) rethrows -> StatusWord {
        var taken = self
        let took = reference == .pin ? taken.pinCounter.beginAttempt() : taken.pukCounter.beginAttempt()
        guard took else { return .authenticationBlocked }
        try persist(taken)
        self = taken
        guard compare(reference == .pin ? pin : puk) else {
            let left = reference == .pin ? pinCounter.remaining : pukCounter.remaining
            return .verificationFailed(triesLeft: left)
        }
        var restored = self
        onMatch(&restored)
        if reference == .pin { restored.pinCounter.succeed() } else { restored.pukCounter.succeed() }
        try persist(restored)
        self = restored
        return .success
    }
}
