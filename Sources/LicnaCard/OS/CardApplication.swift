/// An application on the card (PIV, eMRTD, identity), selected by its AID (ISO/IEC 7816-4 §7.1.1, §12.2.2).
/// Applications answer complete commands; chaining and GET RESPONSE are the transport's. They share the
/// card-global session (`CardSession`): the PIN verified in one application counts for all of them.
public protocol CardApplication: Sendable {
    /// The application identifier, matched as a prefix: SELECT may name a shorter AID (partial selection).
    var aid: [UInt8] { get }

    /// The answer to SELECT: the application property template or FCI (`61 …` for PIV), status `90 00`.
    func selected(session: CardSession) -> ResponseAPDU

    /// Handles a command while selected.
    func handle(_ command: CommandAPDU, session: inout CardSession) -> ResponseAPDU
}

/// What one card session knows until the card is reset or powered off.
public struct CardSession: Hashable, Sendable {
    /// True after a successful PIN VERIFY (any application).
    public var pinVerified = false
    /// True after VERIFY immediately before this command (the 9C key: "always authenticate", SP 800-73-4 §3.3.2).
    public var pinJustVerified = false
    /// True after management-key authentication.
    public var managementKeyAuthenticated = false
    /// True after VERIFY with the card access number (the eMRTD stand-in for PACE).
    public var accessNumberVerified = false

    public init() {}
}
