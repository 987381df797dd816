import LicnaCard

/// A `CardChannel` to a card in the same process — the virtual card, or a test double — through the
/// `LicnaCard.SmartCard` protocol. No reader and no PC/SC service are involved.
public struct SmartCardChannel: CardChannel {
    /// The card this channel talks to.
    public let card: any SmartCard

    /// A channel to `card`; the card is used as it is (call `card.reset()` first for a fresh session).
    public init(card: any SmartCard) {
        self.card = card
    }

    /// The card's answer to reset (ISO/IEC 7816-3 §8.2).
    public var atr: [UInt8] { card.atr }

    /// One exchange with the card. A card that answers fewer than two bytes is a `malformedResponse`.
    public func transmit(_ command: CommandAPDU) throws -> ResponseAPDU {
        let answer = card.transmit(command.bytes)
        guard let response = ResponseAPDU(bytes: answer) else {
            throw CardChannelError(.cardMalformedResponse, "the card answered \(answer.count) byte(s), fewer than a status word")
        }
        return response
    }
}
