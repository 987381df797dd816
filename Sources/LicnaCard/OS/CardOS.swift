/// The card's operating system: SELECT by AID among the installed applications and dispatch to the selected
/// one, with the ISO/IEC 7816-4 status words for everything it cannot do. Pure and synchronous; the transport
/// (`APDUTransport`) sits in front of it and the card process persists its image.
public struct CardOS: Sendable {
    public let applications: [any CardApplication]
    public private(set) var context: CardContext
    private var selectedIndex: Int?

    public init(applications: [any CardApplication], context: CardContext) {
        self.applications = applications
        self.context = context
    }

    public var session: CardSession { context.session }
    public var image: CardImage { context.image }

    /// A reset or power cycle: the session's verifications are forgotten, nothing is selected.
    /// Writes personalization changes kept in memory (`CardContext.flush`).
    public mutating func flush() throws { try context.flush() }

    public mutating func reset() {
        context.session = CardSession()
        selectedIndex = nil
    }

    /// Answers one complete command.
    public mutating func handle(_ command: CommandAPDU) -> ResponseAPDU {
        // ISO 7816-4 §5.1.1: only the interindustry class without secure messaging (00, chaining 10 removed by
        // the transport) on the basic logical channel is supported.
        if command.cla & 0x0C != 0 { return ResponseAPDU(.secureMessagingNotSupported) }
        guard command.cla & 0xE3 == 0x00 else { return ResponseAPDU(.classNotSupported) }
        let wasJustVerified = context.session.pinJustVerified
        context.session.pinJustVerified = false
        if command.instruction == .select, command.p1 == 0x04 {
            return select(command)
        }
        guard let selectedIndex else {
            // Nothing selected: Yubico's version probe (`00 FD`) and everything else get "not supported".
            return ResponseAPDU(.instructionNotSupported)
        }
        context.session.pinJustVerified = wasJustVerified
        let response = applications[selectedIndex].handle(command, context: &context)
        if command.instruction != .verify { context.session.pinJustVerified = false }
        return response
    }

    /// SELECT by DF name (`00 A4 04 00 Lc AID`): the first application whose AID starts with the given bytes.
    /// Every AID the card does not own gets `6A 82` (OpenSC probes other drivers' AIDs first).
    private mutating func select(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p2 == 0x00 || command.p2 == 0x0C else { return ResponseAPDU(.incorrectP1P2) }
        guard !command.data.isEmpty, let index = applications.firstIndex(where: { $0.aid.starts(with: command.data) }) else {
            return ResponseAPDU(.fileNotFound)
        }
        selectedIndex = index
        context.session.selectedFile = nil
        let answer = applications[index].selected(context: &context)
        return command.p2 == 0x0C ? ResponseAPDU(answer.status) : answer  // P2 0C: no response data
    }
}
