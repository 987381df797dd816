/// Where a card is in its life (docs/card.md, "Life of a card"): an application is `submitted`, `approved` by an
/// officer, `personalized` (keys on the card, certificates on hold), `delivered` to the citizen, and `activated`
/// by the citizen with the envelope's PIN (holds released). From there it can be `suspended` (lost: certificates on
/// hold), `blocked` (PIN and PUK exhausted, reported by the citizen), `revoked`, `expired` or `replaced`.
public enum CardState: String, Sendable, Codable, CaseIterable, Hashable {
    case submitted, approved, personalized, delivered, activated, suspended, blocked, revoked, expired, replaced

    /// States in which the card holds live keys (certificates good or on hold), so that it can be suspended,
    /// revoked or replaced.
    public var hasCard: Bool { [.personalized, .delivered, .activated, .suspended, .blocked].contains(self) }

    /// States from which nothing moves on.
    public var isFinal: Bool { [.revoked, .expired, .replaced].contains(self) }

    /// Whether the workflow allows the move from this state to `next`.
    public func allows(_ next: CardState) -> Bool {
        switch (self, next) {
        case (.submitted, .approved), (.approved, .personalized), (.personalized, .delivered), (.delivered, .activated),
             (.activated, .suspended), (.delivered, .suspended), (.suspended, .activated),
             (.activated, .blocked), (.delivered, .blocked), (.suspended, .blocked):
            return true
        case (_, .revoked), (_, .replaced):
            return !isFinal
        case (_, .expired):
            return hasCard
        default:
            return false
        }
    }
}

/// Why a card is replaced (`licna cards replace --reason`): counted by the statistics, so that the ministry sees how
/// many envelopes are thrown away.
public enum CardReplacementReason: String, Sendable, Codable, CaseIterable, Hashable {
    case lost, stolen, damaged
    case lostEnvelope = "lost-envelope"
    case blocked
}
