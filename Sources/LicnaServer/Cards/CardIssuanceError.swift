import LicnaBasics
import LicnaCore

/// Errors of card issuance that reach people: each has a named code, a translation key (`error.card.<code>`, with
/// its arguments) and tells what to do next.
public struct CardIssuanceError: LicnaError, Hashable {
    public let code: ErrorCode
    public let arguments: [String: String]

    public init(_ code: ErrorCode, _ arguments: [String: String] = [:]) {
        self.code = code
        self.arguments = arguments
    }

    public var messageKey: String { "error.card." + code.rawValue.dropFirst("card-".count) }

    public var category: ErrorCategory {
        switch code {
        case .cardUnknownPerson, .cardUnknownApplication, .cardUnknownCard: .notFound
        case .cardDocumentNotAccepted: .refused
        case .cardOpenApplication, .cardWrongState: .conflict
        case .cardContractNotAccepted: .usage
        case .cardNonce, .cardToken, .cardSuspensionRefused: .refused
        case .cardRenewalRefused, .cardRenewalUnavailable: .refused
        case .cardRenewalSession: .notFound
        case .cardThrottled: .throttled
        case .cardNoAuthority: .unavailable
        default: .invalidInput
        }
    }

    public static let allCodes: [ErrorCode] = [
        .cardUnknownPerson, .cardOpenApplication, .cardContractNotAccepted, .cardPhoto, .cardUnknownApplication, .cardUnknownCard,
        .cardWrongState, .cardNonce, .cardToken, .cardSuspensionRefused, .cardThrottled, .cardNoAuthority, .cardInvalidRequest,
        .cardDocumentNotAccepted, .cardUnknownDocumentType, .cardRenewalSession, .cardRenewalRefused, .cardRenewalUnavailable,
    ]

    static func wrongState(_ state: CardState, needs expected: [CardState]) -> CardIssuanceError {
        CardIssuanceError(.cardWrongState, ["state": state.rawValue, "expected": expected.map(\.rawValue).joined(separator: ", ")])
    }

    static func token(_ detail: String) -> CardIssuanceError { CardIssuanceError(.cardToken, ["detail": detail]) }
    static func invalid(_ detail: String) -> CardIssuanceError { CardIssuanceError(.cardInvalidRequest, ["detail": detail]) }
}

extension ErrorCode {
    /// No living person with that identification number is registered.
    public static let cardUnknownPerson = ErrorCode("card-unknown-person")
    /// The person already has an application or a card in use.
    public static let cardOpenApplication = ErrorCode("card-open-application")
    /// The contract was not accepted (`--accept-contract`).
    public static let cardContractNotAccepted = ErrorCode("card-contract-not-accepted")
    /// The photo is not a JPEG image of an acceptable size.
    public static let cardPhoto = ErrorCode("card-photo")
    public static let cardUnknownApplication = ErrorCode("card-unknown-application")
    public static let cardUnknownCard = ErrorCode("card-unknown-card")
    /// The step does not fit the card's state.
    public static let cardWrongState = ErrorCode("card-wrong-state")
    /// No outstanding nonce of this purpose for this card (never fetched, used, expired, or of another purpose).
    public static let cardNonce = ErrorCode("card-nonce")
    /// A card-signed token that does not verify, or is missing, or names another card.
    public static let cardToken = ErrorCode("card-token")
    /// A suspension with a code that does not match (or a card number that is not known: the same answer).
    public static let cardSuspensionRefused = ErrorCode("card-suspension-refused")
    public static let cardThrottled = ErrorCode("card-throttled")
    /// The installation has no certification authority yet.
    public static let cardNoAuthority = ErrorCode("card-no-authority")
    public static let cardInvalidRequest = ErrorCode("card-invalid-request")
    /// The identity document presented is of a type whose acceptance ended.
    public static let cardDocumentNotAccepted = ErrorCode("card-document-not-accepted")
    /// The identity document's type is not one of the card policy's.
    public static let cardUnknownDocumentType = ErrorCode("card-unknown-document-type")
    /// No renewal in progress under that session (never started, finished, failed or older than five minutes).
    public static let cardRenewalSession = ErrorCode("card-renewal-session")
    /// The card's answers in a renewal were refused (another card, a key not attested by this chip, a refusal).
    public static let cardRenewalRefused = ErrorCode("card-renewal-refused")
    /// This card cannot be renewed on line (its chip could not attest its keys at personalization).
    public static let cardRenewalUnavailable = ErrorCode("card-renewal-unavailable")
}
