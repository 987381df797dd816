import Vapor

/// A registry operation that cannot be done, with a stable code and a message that says what to do.
public struct RegistryError: Error, AbortError, Sendable {
    public let code: String
    public let status: HTTPResponseStatus
    /// The translation key of the message a person sees.
    public let messageKey: String
    public var reason: String { code }

    public static let notFound = RegistryError(code: "not-found", status: .notFound, messageKey: "error.registry.not-found")
    public static let alreadyDeceased = RegistryError(code: "already-deceased", status: .conflict, messageKey: "error.registry.already-deceased")
    public static let deathBeforeBirth = RegistryError(code: "death-date-range", status: .badRequest, messageKey: "error.registry.death-date-range")
    public static let jmbgRangeExhausted = RegistryError(code: "jmbg-range-exhausted", status: .conflict, messageKey: "error.registry.jmbg-exhausted")
    public static let invalidRegistration = RegistryError(code: "invalid-registration", status: .badRequest, messageKey: "error.registry.invalid-registration")
    public static let concurrentChange = RegistryError(code: "concurrent-change", status: .conflict, messageKey: "error.registry.try-again")
    /// The identification-number pool handed out fewer numbers than asked (another writer drained it): retry.
    public static let poolExhausted = RegistryError(code: "identification-pool-exhausted", status: .serviceUnavailable, messageKey: "error.registry.try-again")
}
