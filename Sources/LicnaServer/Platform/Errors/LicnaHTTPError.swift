import LicnaBasics
import LicnaCore

/// An error a handler raises on purpose: a stable code for programs, a category for the status, and a translated
/// message for people. Every one the server raises is a named value here, so `allErrors` lists them for the test
/// that each message exists in every language.
struct LicnaHTTPError: LicnaError {
    let code: ErrorCode
    let category: ErrorCategory
    let messageKey: String
    var arguments: [String: String] = [:]

    /// A request that does not decode or is not valid.
    static let badRequest = LicnaHTTPError(code: .badRequest, category: .invalidInput, messageKey: "error.bad-request")
    /// No such address.
    static let notFound = LicnaHTTPError(code: .notFound, category: .notFound, messageKey: "error.not-found")
    /// A body larger than the address accepts.
    static let tooLarge = LicnaHTTPError(code: .tooLarge, category: .tooLarge, messageKey: "error.too-large")
    /// Anything that is not a `LicnaError`: the detail goes to the log, never to the client.
    static let internalError = LicnaHTTPError(code: .internalError, category: .internal, messageKey: "error.internal")
    /// An officer API called without the admin token or a session.
    static let unauthorized = LicnaHTTPError(code: .unauthorized, category: .unauthorized, messageKey: "error.unauthorized")
    /// A registry search with none or several of its criteria.
    static let oneCriterion = LicnaHTTPError(code: .oneCriterion, category: .invalidInput, messageKey: "error.registry.one-criterion")
    /// A date that is not `YYYY-MM-DD`.
    static let dateFormat = LicnaHTTPError(code: .dateFormat, category: .invalidInput, messageKey: "error.date-format")
    /// No audit checkpoint has been written yet.
    static let noCheckpoint = LicnaHTTPError(code: .noCheckpoint, category: .notFound, messageKey: "error.audit.no-checkpoint")
    /// The seal's `visible` or `page` query parameter is not valid.
    static let sealParameters = LicnaHTTPError(code: .badRequest, category: .invalidInput, messageKey: "seal.error.visible")

    /// The server has no usable font for a visible seal.
    static func sealFontMissing(_ detail: String) -> LicnaHTTPError {
        LicnaHTTPError(code: .sealFontMissing, category: .internal, messageKey: "seal.error.font", arguments: ["detail": detail])
    }

    /// A JMBG that is not valid, with its reason (`jmbg-check-digit`, …).
    static func jmbg(_ invalidity: JMBGInvalidity) -> LicnaHTTPError {
        LicnaHTTPError(code: .jmbg(invalidity), category: .invalidInput, messageKey: "error.jmbg.\(invalidity.rawValue)")
    }

    /// An identification number that is not valid, with its reason (`identification-number-check-digit`, …).
    static func identificationNumber(_ invalidity: IdentificationNumber.Invalidity) -> LicnaHTTPError {
        LicnaHTTPError(code: .identificationNumber(invalidity), category: .invalidInput, messageKey: "error.identification-number.invalid")
    }

    /// Every error of this type the server raises.
    static var allErrors: [LicnaHTTPError] {
        [badRequest, notFound, tooLarge, internalError, unauthorized, oneCriterion, dateFormat, noCheckpoint, sealParameters,
         sealFontMissing("")]
            + JMBGInvalidity.all.map(jmbg) + IdentificationNumber.Invalidity.all.map(identificationNumber)
    }
}

extension ErrorCode {
    /// What was sent is larger than the address accepts.
    static let tooLarge = ErrorCode("too-large")
    /// The server failed; the client learns nothing more.
    static let internalError = ErrorCode("internal")
    /// The caller has not proved who they are.
    static let unauthorized = ErrorCode("unauthorized")
    /// A registry search needs exactly one criterion.
    static let oneCriterion = ErrorCode("one-criterion")
    /// A date is not written `YYYY-MM-DD`.
    static let dateFormat = ErrorCode("date-format")
    /// No audit checkpoint exists yet.
    static let noCheckpoint = ErrorCode("no-checkpoint")
    /// No font for a visible seal.
    static let sealFontMissing = ErrorCode("seal-font-missing")
}
