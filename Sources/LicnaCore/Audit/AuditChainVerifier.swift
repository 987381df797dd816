/// Checks an audit trail read in sequence order, one entry at a time, so that millions of entries need no memory.
public struct AuditChainVerifier: Sendable {
    /// What is wrong with the first broken entry.
    public struct Break: Hashable, Sendable, CustomStringConvertible {
        public let sequence: Int
        public let reason: Reason

        public init(sequence: Int, reason: Reason) {
            self.sequence = sequence
            self.reason = reason
        }

        public struct Reason: Hashable, Sendable, RawRepresentable {
            public let rawValue: String
            public init(rawValue: String) { self.rawValue = rawValue }
            /// The entry's fields do not give its stored hash: it was altered.
            public static let altered = Reason(rawValue: "altered")
            /// The entry does not point to the previous entry's hash: one before it was removed or altered.
            public static let unlinked = Reason(rawValue: "unlinked")
            /// A sequence number is missing: an entry was deleted.
            public static let missing = Reason(rawValue: "missing")
        }

        public var description: String { "entry \(sequence): \(reason.rawValue)" }
    }

    private var previous: (sequence: Int, hash: String)?
    /// Entries checked and found intact so far.
    public private(set) var count = 0

    public init() {}

    /// Checks the next entry; returns the break, if this entry is where the chain breaks.
    public mutating func check(_ record: AuditRecord) -> Break? {
        defer { previous = (record.sequence, record.hash) }
        let expectedSequence = (previous?.sequence ?? 0) + 1
        if record.sequence != expectedSequence {
            return Break(sequence: expectedSequence, reason: .missing)
        }
        if record.computedHash() != record.hash {
            return Break(sequence: record.sequence, reason: .altered)
        }
        if record.previousHash != (previous?.hash ?? AuditRecord.genesisHash) {
            return Break(sequence: record.sequence, reason: .unlinked)
        }
        count += 1
        return nil
    }
}
