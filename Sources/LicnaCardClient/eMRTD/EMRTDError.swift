import LicnaBasics
import LicnaCard

/// The eMRTD application refused a command or returned a file that is not a BER-TLV object
/// (ICAO 9303-10 §3.6; status words ISO/IEC 7816-4 §5.6, read by `PIVError(statusWord:…)`, the one mapping).
///
/// One shape with every Licna error (`LicnaError`): a named code, a translated message (`error.<code>`) and the
/// English `message` for developers and logs.
public struct EMRTDError: CardStatusError, Hashable {
    public let code: ErrorCode
    /// A sentence for developers and logs (the person reads `messageKey`).
    public let message: String
    public let statusWord: StatusWord?
    /// Tries left after `63 Cx`.
    public let triesLeft: Int?

    public init(_ code: ErrorCode, _ message: String, statusWord: StatusWord? = nil, triesLeft: Int? = nil) {
        self.code = code
        self.message = message
        self.statusWord = statusWord
        self.triesLeft = triesLeft
    }

    /// The eMRTD reading of a refusing status word: the code of `PIVError(statusWord:…)` in the eMRTD vocabulary
    /// (`69 82` is access control not yet done, `6A 82` a file the card does not hold, `63 Cx`/`69 83` a wrong or
    /// blocked CAN or PIN).
    init(statusWord status: StatusWord, operation: String) {
        let reading = PIVError(statusWord: status, operation: operation, secret: "CAN or PIN")
        switch reading.code {
        case .pivSecurityStatusNotSatisfied:
            self.init(.emrtdAccessDenied, "\(operation): access denied; verify the CAN or PIN first (DG3 needs EAC terminal authentication)",
                      statusWord: status)
        case .pivNotFound:
            self.init(.emrtdNotFound, "\(operation): not on this card", statusWord: status)
        case .pivWrongSecret, .pivBlocked:
            let left = reading.triesLeft ?? 0
            self.init(.emrtdWrongSecret, reading.code == .pivBlocked ? "\(operation): blocked" : "\(operation): wrong; \(left) tries left",
                      statusWord: status, triesLeft: left)
        default:
            self.init(.emrtdUnexpectedStatus, "\(operation): the card answered \(status)", statusWord: status)
        }
    }

    /// Access control not done is `unauthorized`; a missing file `notFound`; a wrong CAN or PIN the answer "no"; a
    /// file that is not BER-TLV invalid input from the card; one past the reader's offsets too large.
    public var category: ErrorCategory {
        switch code {
        case .emrtdAccessDenied: .unauthorized
        case .emrtdNotFound: .notFound
        case .emrtdWrongSecret: .refused
        case .emrtdMalformedFile: .invalidInput
        case .emrtdFileTooLarge: .tooLarge
        default: .internal
        }
    }

    public var arguments: [String: String] { statusArguments }
}

extension ErrorCode {
    /// `69 82`: the file needs access control first (CAN or PIN for DG1/DG2, EAC for DG3).
    public static let emrtdAccessDenied = ErrorCode("emrtd-access-denied")
    /// `6A 82`: no such application or file.
    public static let emrtdNotFound = ErrorCode("emrtd-not-found")
    /// `63 Cx` / `69 83`: wrong or blocked CAN or PIN.
    public static let emrtdWrongSecret = ErrorCode("emrtd-wrong-secret")
    /// The file's first bytes are not a BER-TLV header, or the card ran out of bytes before its end.
    public static let emrtdMalformedFile = ErrorCode("emrtd-malformed-file")
    /// The file needs offsets beyond 32,767 (READ BINARY with odd INS), which this reader does not implement.
    public static let emrtdFileTooLarge = ErrorCode("emrtd-file-too-large")
    /// Any other status word.
    public static let emrtdUnexpectedStatus = ErrorCode("emrtd-unexpected-status")
}
