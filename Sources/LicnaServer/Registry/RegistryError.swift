import LicnaBasics

/// A registry operation that cannot be done, with a stable code and a message that says what to do.
public struct RegistryError: LicnaError, Hashable {
    public let code: ErrorCode
    public let category: ErrorCategory
    /// The translation key of the message a person sees.
    public let messageKey: String

    public static let notFound = RegistryError(code: .notFound, category: .notFound, messageKey: "error.registry.not-found")
    public static let alreadyDeceased = RegistryError(code: .alreadyDeceased, category: .conflict, messageKey: "error.registry.already-deceased")
    public static let deathBeforeBirth = RegistryError(code: .deathDateRange, category: .invalidInput, messageKey: "error.registry.death-date-range")
    public static let jmbgRangeExhausted = RegistryError(code: .jmbgRangeExhausted, category: .conflict, messageKey: "error.registry.jmbg-exhausted")
    public static let invalidRegistration = RegistryError(code: .invalidRegistration, category: .invalidInput, messageKey: "error.registry.invalid-registration")
    /// A read of the registry without a legal basis from the installation's list (`GET /api/registry/legal-bases`).
    public static let legalBasisRequired = RegistryError(code: .legalBasisRequired, category: .invalidInput, messageKey: "error.registry.legal-basis")
    /// A parent named at a birth registration (or in an import of parent links) is not in the registry.
    public static let unknownParent = RegistryError(code: .unknownParent, category: .invalidInput, messageKey: "error.registry.unknown-parent")
    public static let concurrentChange = RegistryError(code: .concurrentChange, category: .conflict, messageKey: "error.registry.try-again")
    /// The identification-number pool handed out fewer numbers than asked (another writer drained it): retry.
    public static let poolExhausted = RegistryError(code: .identificationPoolExhausted, category: .unavailable, messageKey: "error.registry.try-again")

    /// Every registry error.
    public static let allErrors: [RegistryError] = [
        notFound, alreadyDeceased, deathBeforeBirth, jmbgRangeExhausted, invalidRegistration, concurrentChange, poolExhausted, unknownParent, legalBasisRequired,
    ]
}

extension ErrorCode {
    /// The person's death is already recorded.
    public static let alreadyDeceased = ErrorCode("already-deceased")
    /// Every JMBG serial for a date, region and sex is taken.
    public static let jmbgRangeExhausted = ErrorCode("jmbg-range-exhausted")
    /// A registration lacks a field or has one that is not valid.
    public static let invalidRegistration = ErrorCode("invalid-registration")
    /// Another change happened at the same time.
    public static let concurrentChange = ErrorCode("concurrent-change")
    public static let unknownParent = ErrorCode("unknown-parent")
    public static let legalBasisRequired = ErrorCode("legal-basis-required")
    /// The identification-number pool ran dry under a concurrent writer.
    public static let identificationPoolExhausted = ErrorCode("identification-pool-exhausted")
}
