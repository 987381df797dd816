/// A PIN or PUK try counter with anti-tearing (ISO/IEC 7816-4 §7.5.6 semantics; NIST SP 800-73-4 §3.2.1):
/// a try is taken and made durable *before* the presented value is compared, and given back only after a
/// successful comparison. Killing the card at any instant therefore never yields an extra try.
///
/// The counter is a value; the card persists it through its image file at the two points `beginAttempt` and
/// `succeed` return, before acting on the comparison.
public struct RetryCounter: Hashable, Sendable, Codable {
    /// Tries allowed when the counter is full (5 by default for both PIN and PUK).
    public let limit: Int
    /// Tries left now; 0 means blocked.
    public private(set) var remaining: Int

    public init(limit: Int) {
        precondition((1...15).contains(limit), "ISO 7816-4 63Cx reports at most 15 tries")
        self.limit = limit
        remaining = limit
    }

    public var isBlocked: Bool { remaining == 0 }

    /// Takes one try. Returns false (and changes nothing) when the counter is already blocked. The caller
    /// persists the counter before comparing.
    public mutating func beginAttempt() -> Bool {
        guard remaining > 0 else { return false }
        remaining -= 1
        return true
    }

    /// Gives the tries back after a successful comparison; the caller persists again.
    public mutating func succeed() {
        remaining = limit
    }

    /// Blocks the counter for good (a PUK exhausted means the PIN can never be reset).
    public mutating func block() {
        remaining = 0
    }
}
