import LicnaBasics

/// Why a card could not be reached or did not answer: a reader, driver or transport failure, never a status word
/// (a status word is an answer; applications map those to their own errors, e.g. `PIVError(statusWord:…)`).
///
/// One shape with every Licna error (`LicnaError`): a named code, a translated message (`error.<code>`) and the
/// English detail for logs; no card or reader is `.unavailable`.
public struct CardChannelError: LicnaError, Hashable {
    /// What went wrong, stable for programs (`ErrorCode.cardNoReaders` …).
    public let code: ErrorCode
    /// A sentence for developers and logs: what happened and what to do next (the person reads `messageKey`).
    public let message: String
    /// The raw PC/SC result code (`SCARD_E_*`), when the error came from PC/SC.
    public let pcscCode: UInt32?

    public init(_ code: ErrorCode, _ message: String, pcscCode: UInt32? = nil) {
        self.code = code
        self.message = message
        self.pcscCode = pcscCode
    }

    /// A card that cannot be reached is unavailable; a command that cannot be sent is the caller's input; an answer
    /// that is not a response APDU, or a channel used after closing, is an internal failure.
    public var category: ErrorCategory {
        switch code {
        case .cardInvalidCommand: .invalidInput
        case .cardMalformedResponse, .cardDisconnected: .internal
        default: .unavailable
        }
    }

    public var detail: String { description }

    public var description: String {
        guard let pcscCode else { return message }
        return "\(message) (PC/SC 0x\(String(pcscCode, radix: 16, uppercase: true)))"
    }
}

extension ErrorCode {
    /// The PC/SC library (pcsc-lite, or PCSC.framework on macOS) could not be loaded.
    public static let cardLibraryNotFound = ErrorCode("card-library-not-found")
    /// The PC/SC service is not running (`SCARD_E_NO_SERVICE`).
    public static let cardNoService = ErrorCode("card-no-service")
    /// No reader is connected (`SCARD_E_NO_READERS_AVAILABLE`).
    public static let cardNoReaders = ErrorCode("card-no-readers")
    /// No reader matches the requested name, or several do.
    public static let cardReaderNotFound = ErrorCode("card-reader-not-found")
    /// The reader holds no card (`SCARD_E_NO_SMARTCARD`).
    public static let cardNoSmartCard = ErrorCode("card-no-smart-card")
    /// The card was removed, reset or stopped answering during the session.
    public static let cardRemoved = ErrorCode("card-removed")
    /// Another application holds the card exclusively (`SCARD_E_SHARING_VIOLATION`).
    public static let cardSharingViolation = ErrorCode("card-sharing-violation")
    /// Any other PC/SC failure; the detail carries the `SCARD_*` code.
    public static let cardPCSCFailure = ErrorCode("card-pcsc-failure")
    /// The card answered something that is not a response APDU, or answered GET RESPONSE / `6C xx` forever.
    public static let cardMalformedResponse = ErrorCode("card-malformed-response")
    /// The command cannot be sent as asked (e.g. data too long even for command chaining).
    public static let cardInvalidCommand = ErrorCode("card-invalid-command")
    /// The channel was used after `disconnect()`.
    public static let cardDisconnected = ErrorCode("card-disconnected")
}
