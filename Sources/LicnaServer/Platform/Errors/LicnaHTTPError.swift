import LicnaBasics
import LicnaCore
import LicnaDocuments

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
    /// An officer whose roles do not include one this address needs.
    static func forbidden(needs roles: Set<OfficerRole>) -> LicnaHTTPError {
        LicnaHTTPError(code: .forbidden, category: .forbidden, messageKey: "error.forbidden",
                       arguments: ["roles": roles.map(\.rawValue).sorted().joined(separator: " or ")])
    }
    /// The operator's admin token used for anything but naming the first administrator.
    static let adminTokenLimited = LicnaHTTPError(code: .adminTokenLimited, category: .forbidden, messageKey: "error.admin-token-limited")
    /// A registry search with none or several of its criteria.
    static let oneCriterion = LicnaHTTPError(code: .oneCriterion, category: .invalidInput, messageKey: "error.registry.one-criterion")
    /// A date that is not `YYYY-MM-DD`.
    static let dateFormat = LicnaHTTPError(code: .dateFormat, category: .invalidInput, messageKey: "error.date-format")
    /// No audit checkpoint has been written yet.
    static let noCheckpoint = LicnaHTTPError(code: .noCheckpoint, category: .notFound, messageKey: "error.audit.no-checkpoint")
    /// The seal's `visible` or `page` query parameter is not valid.
    static let sealParameters = LicnaHTTPError(code: .badRequest, category: .invalidInput, messageKey: "seal.error.visible")

    /// The body of a seal request is not a PDF.
    static let sealNotPDF = LicnaHTTPError(code: .notPDF, category: .unsupportedMediaType, messageKey: "seal.error.pdf")
    /// A validation upload without a file, or one that does not decode as a form.
    static let verifyUpload = LicnaHTTPError(code: .badRequest, category: .invalidInput, messageKey: "verify.error.upload")
    /// A detached signature (.p7s) sent without the file it signs.
    static let verifyDetached = LicnaHTTPError(code: .detachedContentMissing, category: .invalidInput, messageKey: "verify.error.detached")
    /// The installation has no CA yet, so no signature can be checked.
    static let verifyNoCA = LicnaHTTPError(code: .noCertificationAuthority, category: .unavailable, messageKey: "verify.error.no-ca")

    /// A PDF that cannot be validated at all (not a PDF, encrypted, over a limit): the answer is "no" (422), with
    /// the signer module's reason.
    static func notValidatable(_ error: SigningError) -> LicnaHTTPError {
        LicnaHTTPError(code: error.code, category: .refused, messageKey: error.messageKey, arguments: error.arguments)
    }

    /// The server has no usable font for a visible seal.
    static func sealFontMissing(_ detail: String) -> LicnaHTTPError {
        LicnaHTTPError(code: .sealFontMissing, category: .internal, messageKey: "seal.error.font", arguments: ["detail": detail])
    }

    /// Every error of this type the server raises.
    static var allErrors: [LicnaHTTPError] {
        [badRequest, notFound, tooLarge, internalError, unauthorized, forbidden(needs: [.registrar]), adminTokenLimited, oneCriterion, dateFormat, noCheckpoint, sealParameters,
         sealFontMissing(""), notValidatable(SigningError(.unsupportedDocument, "x")), sealNotPDF, verifyUpload, verifyDetached, verifyNoCA]
    }
}

extension ErrorCode {
    /// A body that must be a PDF is not one.
    static let notPDF = ErrorCode("not-pdf")
    /// A detached signature came without its signed content.
    static let detachedContentMissing = ErrorCode("detached-content-missing")
    /// The installation has no certification authority yet.
    static let noCertificationAuthority = ErrorCode("no-certification-authority")
    /// What was sent is larger than the address accepts.
    static let tooLarge = ErrorCode("too-large")
    /// The server failed; the client learns nothing more.
    static let internalError = ErrorCode("internal")
    /// The caller has not proved who they are.
    static let unauthorized = ErrorCode("unauthorized")
    /// The caller's roles do not allow this.
    static let forbidden = ErrorCode("forbidden")
    /// The admin token only names the first administrator.
    static let adminTokenLimited = ErrorCode("admin-token-limited")
    /// A registry search needs exactly one criterion.
    static let oneCriterion = ErrorCode("one-criterion")
    /// A date is not written `YYYY-MM-DD`.
    static let dateFormat = ErrorCode("date-format")
    /// No audit checkpoint exists yet.
    static let noCheckpoint = ErrorCode("no-checkpoint")
    /// No font for a visible seal.
    static let sealFontMissing = ErrorCode("seal-font-missing")
}
