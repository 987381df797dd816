/// An application on the card (PIV, eMRTD, identity), selected by its AID (ISO/IEC 7816-4 §7.1.1, §12.2.2).
/// Applications answer complete commands; chaining and GET RESPONSE are the transport's. They hold no state of
/// their own: the card image and the card-global session (`CardContext`) are shared, so the PIN verified in one
/// application counts for all of them.
public protocol CardApplication: Sendable {
    /// The application identifier, matched as a prefix: SELECT may name a shorter AID (partial selection).
    var aid: [UInt8] { get }

    /// The answer to SELECT: the application property template or FCI (`61 …` for PIV), status `90 00`.
    func selected(context: inout CardContext) -> ResponseAPDU

    /// Handles a command while selected.
    func handle(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU
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
    /// The plain witness (mutual authentication) or challenge (external authentication) the card sent in the
    /// first step of a management-key authentication, with the step it expects next.
    public var managementKeyChallenge: ManagementKeyChallenge?
    /// The elementary file selected in the eMRTD application.
    public var selectedFile: UInt16?

    public init() {}
}

/// The card's half of a management-key challenge-response in progress (SP 800-73-4 appendix A.1).
public enum ManagementKeyChallenge: Hashable, Sendable {
    /// Mutual: the card sent the witness encrypted and expects it back decrypted.
    case witness([UInt8])
    /// External: the card sent a challenge in clear and expects it back encrypted.
    case challenge([UInt8])
}
