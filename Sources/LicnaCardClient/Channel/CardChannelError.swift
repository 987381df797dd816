/// Why a card could not be reached or did not answer: a reader, driver or transport failure, never a status word
/// (a status word is an answer; applications map those to their own errors, e.g. `PIVError`).
///
/// A struct with an extensible code, as swift-certificates' `CertificateError`: new codes do not break callers.
public struct CardChannelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, stable for programs; `description` is for people.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The PC/SC library (pcsc-lite, or PCSC.framework on macOS) could not be loaded.
        public static let libraryNotFound = Code("library-not-found")
        /// The PC/SC service is not running (`SCARD_E_NO_SERVICE`).
        public static let noService = Code("no-service")
        /// No reader is connected (`SCARD_E_NO_READERS_AVAILABLE`).
        public static let noReaders = Code("no-readers")
        /// No reader matches the requested name, or several do.
        public static let readerNotFound = Code("reader-not-found")
        /// The reader holds no card (`SCARD_E_NO_SMARTCARD`).
        public static let noSmartCard = Code("no-smart-card")
        /// The card was removed, reset or stopped answering during the session.
        public static let cardRemoved = Code("card-removed")
        /// Another application holds the card exclusively (`SCARD_E_SHARING_VIOLATION`).
        public static let sharingViolation = Code("sharing-violation")
        /// Any other PC/SC failure; the detail carries the `SCARD_*` code.
        public static let pcscFailure = Code("pcsc-failure")
        /// The card answered something that is not a response APDU, or answered GET RESPONSE / `6C xx` forever.
        public static let malformedResponse = Code("malformed-response")
        /// The command cannot be sent as asked (e.g. data too long even for command chaining).
        public static let invalidCommand = Code("invalid-command")
        /// The channel was used after `disconnect()`.
        public static let disconnected = Code("disconnected")
    }

    public let code: Code
    /// A sentence for people: what happened and what to do next.
    public let message: String
    /// The raw PC/SC result code (`SCARD_E_*`), when the error came from PC/SC.
    public let pcscCode: UInt32?

    public init(_ code: Code, _ message: String, pcscCode: UInt32? = nil) {
        self.code = code
        self.message = message
        self.pcscCode = pcscCode
    }

    public var description: String {
        guard let pcscCode else { return message }
        return "\(message) (PC/SC 0x\(String(pcscCode, radix: 16, uppercase: true)))"
    }
}
