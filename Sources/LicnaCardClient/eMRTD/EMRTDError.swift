import LicnaCard

/// The eMRTD application refused a command or returned a file that is not a BER-TLV object
/// (ICAO 9303-10 §3.6; status words ISO/IEC 7816-4 §5.6).
public struct EMRTDError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// `69 82`: the file needs access control first (CAN or PIN for DG1/DG2, EAC for DG3).
        public static let accessDenied = Code("access-denied")
        /// `6A 82`: no such application or file.
        public static let notFound = Code("not-found")
        /// `63 Cx` / `69 83`: wrong or blocked CAN or PIN.
        public static let wrongSecret = Code("wrong-secret")
        /// The file's first bytes are not a BER-TLV header, or the card ran out of bytes before its end.
        public static let malformedFile = Code("malformed-file")
        /// The file needs offsets beyond 32,767 (READ BINARY with odd INS), which this reader does not implement.
        public static let fileTooLarge = Code("file-too-large")
        /// Any other status word.
        public static let unexpectedStatus = Code("unexpected-status")
    }

    public let code: Code
    public let message: String
    public let statusWord: StatusWord?
    /// Tries left after `63 Cx`.
    public let triesLeft: Int?

    public init(_ code: Code, _ message: String, statusWord: StatusWord? = nil, triesLeft: Int? = nil) {
        self.code = code
        self.message = message
        self.statusWord = statusWord
        self.triesLeft = triesLeft
    }

    public var description: String {
        guard let statusWord else { return message }
        return "\(message) (status \(statusWord))"
    }

    static func status(_ status: StatusWord, operation: String) -> EMRTDError {
        switch (status.sw1, status.sw2) {
        case (0x69, 0x82):
            EMRTDError(.accessDenied, "\(operation): access denied; verify the CAN or PIN first (DG3 needs EAC terminal authentication)", statusWord: status)
        case (0x6A, 0x82):
            EMRTDError(.notFound, "\(operation): not on this card", statusWord: status)
        case (0x63, let sw2) where sw2 & 0xF0 == 0xC0:
            EMRTDError(.wrongSecret, "\(operation): wrong; \(sw2 & 0x0F) tries left", statusWord: status, triesLeft: Int(sw2 & 0x0F))
        case (0x69, 0x83):
            EMRTDError(.wrongSecret, "\(operation): blocked", statusWord: status, triesLeft: 0)
        default:
            EMRTDError(.unexpectedStatus, "\(operation): the card answered \(status)", statusWord: status)
        }
    }
}
