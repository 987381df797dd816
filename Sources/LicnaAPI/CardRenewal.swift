import Foundation

/// `POST /api/cards/renewals`: the citizen's tool starts renewing a card's keys and certificates
/// (`licna-card renew-certificates`, docs/card.md "Renewal").
public struct CardRenewalStart: Codable, Sendable, Hashable {
    public var cardNumber: String

    public init(cardNumber: String) {
        self.cardNumber = cardNumber
    }
}

/// `POST /api/cards/renewals/{session}`: the card's answer to the last command, as hex (data, then SW1 SW2).
public struct CardRenewalAnswer: Codable, Sendable, Hashable {
    public var response: String

    public init(response: String) {
        self.response = response
    }
}

/// The server's next step of a renewal: a command for the tool to relay to the card, or, once finished, the card.
public struct CardRenewalStep: Codable, Sendable, Hashable {
    public var session: String
    /// The next command APDU, as hex; absent once the renewal is finished.
    public var command: String?
    /// The issuing CA's certificate (PEM) once certificates are being written, for the tool to check that each
    /// certificate it writes chains to the root it trusts and certifies the key the card just made.
    public var issuer: String?
    /// The card after a finished renewal, with its new certificates' serials.
    public var card: CardView?
    public var expiresAt: Date

    public init(session: String, command: String?, issuer: String? = nil, card: CardView? = nil, expiresAt: Date) {
        self.session = session
        self.command = command
        self.issuer = issuer
        self.card = card
        self.expiresAt = expiresAt
    }
}
