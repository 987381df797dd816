/// The card-global secrets with their try counters (NIST SP 800-73-4 §3.2): one PIN and one PUK for every
/// application (5 tries each by default) and the card access number for the eMRTD application (10 tries).
/// This is the part of the card image that VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER change, and
/// every change goes through `persist` before the card acts on a comparison.
public struct PINStore: Hashable, Sendable, Codable {
    /// Key references: `80` the PIN and `81` the PUK (SP 800-73-4 table 4); `82` the card access number
    /// (Licna's reference for the eMRTD stand-in for PACE, after PACE's password reference 2 for the CAN).
    public enum Reference: UInt8, Sendable, CaseIterable {
        case pin = 0x80
        case puk = 0x81
        case can = 0x82
    }

    public private(set) var pin: ReferenceData?
    public private(set) var pinCounter: RetryCounter
    public private(set) var puk: ReferenceData?
    public private(set) var pukCounter: RetryCounter
    public private(set) var can: ReferenceData?
    public private(set) var canCounter: RetryCounter

    public init(pin: ReferenceData? = nil, puk: ReferenceData? = nil, can: ReferenceData? = nil,
                pinTries: Int = 5, pukTries: Int = 5, canTries: Int = 10) {
        self.pin = pin
        self.puk = puk
        self.can = can
        pinCounter = RetryCounter(limit: pinTries)
        pukCounter = RetryCounter(limit: pukTries)
        canCounter = RetryCounter(limit: canTries)
    }

    /// PIN and PUK both exhausted: the card refuses every private-key operation for good.
    public var isPermanentlyBlocked: Bool { pinCounter.isBlocked && pukCounter.isBlocked }

    /// Whether the PIN and the PUK have been set (the card cannot leave personalization before).
    public var isPersonalized: Bool { pin != nil && puk != nil }

    /// The counter of a reference.
    public func counter(_ reference: Reference) -> RetryCounter {
        switch reference {
        case .pin: pinCounter
        case .puk: pukCounter
        case .can: canCounter
        }
    }

    /// Personalization: sets a value (PIV format, 8 bytes) and fills its counter.
    public mutating func set(_ reference: Reference, to value: ReferenceData) {
        switch reference {
        case .pin: pin = value; pinCounter.succeed()
        case .puk: puk = value; pukCounter.succeed()
        case .can: can = value; canCounter.succeed()
        }
    }

    /// Personalization: the try limits of the PIN and the PUK (1…15 each); both counters become full.
    public mutating func setLimits(pinTries: Int, pukTries: Int) {
        pinCounter = RetryCounter(limit: pinTries)
        pukCounter = RetryCounter(limit: pukTries)
    }

    /// The 8-byte PIV format of a presented CAN (6 ASCII digits), or nil.
    public static func canFormat(_ presented: [UInt8]) -> [UInt8]? {
        guard presented.count == 6 else { return nil }
        return presented + [0xFF, 0xFF]
    }

    /// VERIFY (`00 20 00 80|81|82`, SP 800-73-4 §3.2.1). `persist` makes the store durable and throws if it
    /// cannot; a try is persisted before the comparison and given back (persisted again) only after a match.
    /// An empty `presented` asks for the state: `90 00` if `verified`, else `63 Cx` or `69 83`.
    public mutating func verify(_ reference: Reference, presented: [UInt8], verified: Bool,
                                persist: (PINStore) throws -> Void) rethrows -> StatusWord {
        let counter = counter(reference)
        guard value(reference) != nil else { return .conditionsNotSatisfied }
        if presented.isEmpty {
            if reference != .puk, verified, !counter.isBlocked { return .success }
            return counter.isBlocked ? .authenticationBlocked : .verificationFailed(triesLeft: counter.remaining)
        }
        let formatted = reference == .can ? Self.canFormat(presented) : presented
        guard let formatted, formatted.count == 8 else { return .wrongLength }
        return try attempt(reference, persist: persist) { $0.matches(pivFormatted: formatted) } onMatch: { _ in }
    }

    /// CHANGE REFERENCE DATA (`00 24 00 80|81`, §3.2.2): old value (8) then new value (8).
    public mutating func change(_ reference: Reference, data: [UInt8], persist: (PINStore) throws -> Void) rethrows -> StatusWord {
        guard reference != .can else { return .incorrectP1P2 }
        guard value(reference) != nil else { return .conditionsNotSatisfied }
        guard data.count == 16 else { return .wrongLength }
        let old = Array(data.prefix(8)), new = Array(data.suffix(8))
        guard let replacement = try? ReferenceData(pivFormatted: new) else { return .wrongData }  // no try is spent on a bad format
        return try attempt(reference, persist: persist) { $0.matches(pivFormatted: old) } onMatch: { store in
            store.set(reference, to: replacement)
        }
    }

    /// RESET RETRY COUNTER (`00 2C 00 80`, §3.2.3): the PUK (8) then the new PIN (8). Spends a PUK try; an
    /// exhausted PUK means the PIN can never be reset again.
    public mutating func resetPIN(data: [UInt8], persist: (PINStore) throws -> Void) rethrows -> StatusWord {
        guard isPersonalized else { return .conditionsNotSatisfied }
        guard data.count == 16 else { return .wrongLength }
        let presentedPUK = Array(data.prefix(8))
        guard let replacement = try? ReferenceData(pivFormatted: Array(data.suffix(8))) else { return .wrongData }
        return try attempt(.puk, persist: persist) { $0.matches(pivFormatted: presentedPUK) } onMatch: { store in
            store.set(.pin, to: replacement)
        }
    }

    private func value(_ reference: Reference) -> ReferenceData? {
        switch reference {
        case .pin: pin
        case .puk: puk
        case .can: can
        }
    }

    private mutating func withCounter<T>(_ reference: Reference, _ body: (inout RetryCounter) -> T) -> T {
        switch reference {
        case .pin: body(&pinCounter)
        case .puk: body(&pukCounter)
        case .can: body(&canCounter)
        }
    }

    /// Take a try, persist, compare, and on a match apply `onMatch`, restore the counter and persist again.
    private mutating func attempt(_ reference: Reference, persist: (PINStore) throws -> Void,
                                  compare: (ReferenceData) -> Bool, onMatch: (inout PINStore) -> Void) rethrows -> StatusWord {
        guard let stored = value(reference) else { return .conditionsNotSatisfied }
        var taken = self
        guard taken.withCounter(reference, { $0.beginAttempt() }) else { return .authenticationBlocked }
        try persist(taken)
        self = taken
        guard compare(stored) else {
            return .verificationFailed(triesLeft: counter(reference).remaining)
        }
        var restored = self
        onMatch(&restored)
        restored.withCounter(reference) { $0.succeed() }
        try persist(restored)
        self = restored
        return .success
    }
}
