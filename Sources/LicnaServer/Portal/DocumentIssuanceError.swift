import LicnaBasics

/// An error of document requests, downloads and revocations (message `error.documents.<code>`).
typealias DocumentIssuanceError = CodedError<DocumentIssuanceErrorDomain>

enum DocumentIssuanceErrorDomain: ErrorDomain {
    static let messageKeyPrefix = "error.documents."
    static let allCodes: [ErrorCode] = [.documentUnknownType, .documentNotEntitled, .documentLevel, .documentNotFound, .documentRevoked,
                                        .documentUnlinked, .documentThrottled, .documentReasonMissing, .trackerEntryUnknown, .trackerTextMissing,
                                        .trackerAnswered, .mandateProxyUnknown, .mandateSelf, .mandateNotAdult, .mandateServices, .mandateDuration,
                                        .mandateExpired, .mandateCard, .mandateNotFound, .mandateRevoked]

    static func category(of code: ErrorCode) -> ErrorCategory {
        switch code {
        case .documentUnknownType, .documentNotFound, .mandateNotFound: .notFound
        case .documentNotEntitled, .documentLevel, .documentUnlinked, .mandateNotAdult, .mandateCard: .forbidden
        case .documentThrottled: .throttled
        case .documentReasonMissing, .trackerTextMissing, .mandateProxyUnknown, .mandateSelf, .mandateServices, .mandateDuration, .mandateExpired: .invalidInput
        case .trackerEntryUnknown: .notFound
        default: .conflict
        }
    }
}

extension ErrorCode {
    /// No such kind of document is issued here.
    static let documentUnknownType = ErrorCode("document-unknown-type")
    /// The person asked about is neither the account's own nor a minor child of it.
    static let documentNotEntitled = ErrorCode("document-not-entitled")
    /// The sign-in is below the level the document needs (substantial).
    static let documentLevel = ErrorCode("document-level")
    /// No issued document has this id (or it is not the account's).
    static let documentNotFound = ErrorCode("document-not-found")
    /// The document is already revoked.
    static let documentRevoked = ErrorCode("document-revoked")
    /// Too many verification requests from this client.
    static let documentThrottled = ErrorCode("document-throttled")
    /// A revocation without a reason.
    static let documentReasonMissing = ErrorCode("document-reason-missing")
    /// The data tracker has no such entry (or question) for this person.
    static let trackerEntryUnknown = ErrorCode("tracker-entry-unknown")
    /// A question or an answer without text.
    static let trackerTextMissing = ErrorCode("tracker-text-missing")
    /// The question is already answered.
    static let trackerAnswered = ErrorCode("tracker-answered")
    /// The account is not linked to a person of the registry.
    static let documentUnlinked = ErrorCode("document-unlinked")
    /// No living person has the identification number and surname given for a proxy.
    static let mandateProxyUnknown = ErrorCode("mandate-proxy-unknown")
    /// A mandate to oneself.
    static let mandateSelf = ErrorCode("mandate-self")
    /// The grantor or the proxy is not a living adult.
    static let mandateNotAdult = ErrorCode("mandate-not-adult")
    /// No service, or one a mandate cannot cover.
    static let mandateServices = ErrorCode("mandate-services")
    /// A period outside 1 to 366 days.
    static let mandateDuration = ErrorCode("mandate-duration")
    /// The signing page is older than its nonce: start again.
    static let mandateExpired = ErrorCode("mandate-expired")
    /// The card that signed is not the grantor's.
    static let mandateCard = ErrorCode("mandate-card")
    /// No mandate has this id (or it is neither given by nor to the account's person).
    static let mandateNotFound = ErrorCode("mandate-not-found")
    /// The mandate is already withdrawn.
    static let mandateRevoked = ErrorCode("mandate-revoked")
}
