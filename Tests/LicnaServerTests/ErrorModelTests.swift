import Foundation
import LicnaPortal
import LicnaAPI
import LicnaBasics
import LicnaCardCommands
import LicnaCore
import LicnaDocuments
import LicnaPKI
@testable import LicnaServer
import LicnaTranslations
import Testing
import VaporTesting

/// The one error model (issue 11, item 1): every declared code has its message in every language, the server maps
/// each category to one status and the JSON shape `{"error", "message"}`, the commands map it to one exit status,
/// and a client reads the server's real error answer.
@Suite struct ErrorModelTests {
    /// One error of every code every error type declares (the card modules' own are tested with them).
    static var everyDeclaredError: [any LicnaError] {
        var errors: [any LicnaError] = []
        errors += PKIError.allCodes.map { PKIError($0, "detail") }
        errors += FontError.allCodes.map { FontError($0, "detail") }
        errors += DocumentWriterError.allCodes.map { DocumentWriterError($0, "detail") }
        errors += SigningError.allCodes.map { SigningError($0, "detail") }
        errors += PDFError.allCodes.map { PDFError($0, "detail") }
        errors += CSVReader<IndexingIterator<[UInt8]>>.SyntaxError.allCodes.map { CSVReader<IndexingIterator<[UInt8]>>.SyntaxError(line: 2, code: $0) }
        errors += RegistryCSV.RowError.allCodes.map { RegistryCSV.RowError(line: 2, code: $0) }
        errors += AuditCheckpoint.FormatError.allCodes.map { _ in AuditCheckpoint.FormatError(description: "detail") }
        errors += TrustError.allCodes.map { TrustError($0, "detail") }
        errors += RegistryError.allErrors
        errors += LicnaHTTPError.allErrors
        errors += JMBGInvalidity.all + IdentificationNumber.Invalidity.all
        errors += MasterKeyError.allErrors + [ImportFailure(line: 2, reason: "header"), RegistryError.poolExhausted]
        errors += JMBGAllocator.Failure.all + PersonalNumberProtector.Failure.all
        errors += CardIssuanceError.allCodes.map {
            CardIssuanceError($0, ["detail": "d", "id": "i", "state": "s", "expected": "e", "card": "c", "seconds": "1", "type": "t", "date": "d",
                                   "types": "t"])
        }
        errors += SignOnError.allCodes.map { SignOnError($0, ["detail": "d"]) }
        errors += CatalogueError.allCodes.map { CatalogueError($0, "detail") }
        errors += DocumentIssuanceError.allCodes.map { DocumentIssuanceError($0, "detail") }
        errors += CardPolicyError.allCodes.map { CardPolicyError(code: $0, arguments: ["age": "1", "years": "0", "type": "x"]) }
        errors += AuditLogError.allCodes.map { AuditLogError(code: $0, detail: "detail") }
        errors += BackupService.Failure.allCodes.map { BackupService.Failure(code: $0, arguments: ["detail": "detail", "actual": "00"]) }
        errors += ValidationLimitExceeded.Limit.allCases.map { ValidationLimitExceeded($0, limits: ValidationLimits()) }
        errors += [APIFailure(url: "https://eid.example.me/api/pki/certificates", status: 400, code: .caInvalidRequest, message: "no")]
        return errors
    }

    @Test func everyDeclaredCodeHasItsMessageInEveryLanguage() {
        let tables = Translations.bundled.tables
        let errors = Self.everyDeclaredError
        #expect(errors.count > 100)
        for error in errors {
            for language in Translations.languages {
                guard let text = tables[language]?[error.messageKey] else {
                    Issue.record("\(language) has no \(error.messageKey) (\(error.code))")
                    continue
                }
                // Every placeholder of the message is one the error fills in.
                let filled = Translations.bundled.text(error.messageKey, language, error.arguments)
                #expect(!filled.contains("{"), "\(language) \(error.messageKey): \(filled)")
                #expect(!text.isEmpty)
            }
        }
    }

    @Test func codesThatReachClientsKeepTheirSpelling() {
        #expect(TrustError.unknownSerial.code.rawValue == "ca-unknown-serial")
        #expect(TrustError.alreadyOnHold.code.rawValue == "ca-already-on-hold")
        #expect(TrustError.timestampUnavailable("").code.rawValue == "ca-timestamp-unavailable")
        #expect(RegistryError.notFound.code.rawValue == "not-found")
        #expect(JMBGInvalidity.checkDigit.code.rawValue == "jmbg-check-digit")
        #expect(IdentificationNumber.Invalidity.length.code.rawValue == "identification-number-length")
        #expect(LicnaHTTPError.badRequest.code.rawValue == "bad-request" && LicnaHTTPError.internalError.code.rawValue == "internal")
        #expect(RegistryCSV.RowError(line: 1, code: .jmbg(.date)).reason == "jmbg-date")
    }

    @Test func eachCategoryHasOneStatusAndOneExitStatus() {
        let table: [(ErrorCategory, HTTPResponseStatus, Int32)] = [
            (.invalidInput, .badRequest, 1), (.usage, .badRequest, 2), (.refused, .unprocessableEntity, 1),
            (.notFound, .notFound, 1), (.conflict, .conflict, 1), (.unauthorized, .unauthorized, 3),
            (.forbidden, .forbidden, 3), (.tooLarge, .payloadTooLarge, 2), (.throttled, .tooManyRequests, 3),
            (.unavailable, .serviceUnavailable, 3), (.internal, .internalServerError, 3), (.unsupportedMediaType, .unsupportedMediaType, 2),
        ]
        for (category, status, exit) in table {
            #expect(category.httpStatus == status, "\(category)")
            #expect(category.exitStatus == exit, "\(category)")
            // A client reads the category back from the status (APIFailure), except where two share one status.
            if category != .usage { #expect(ErrorCategory(httpStatus: Int(status.code)) == category, "\(category)") }
        }
        #expect(TrustError.wrongPassphrase().exitCode.rawValue == 2)
        #expect(TrustError.invalidRequest("x").exitCode.rawValue == 1 && TrustError.rootLocked.exitCode.rawValue == 3)
    }

    /// A route that throws one error of each category: the middleware answers with the category's status and
    /// `{"error": code, "message": translated}`.
    @Test func theMiddlewareMapsEveryCategoryToItsStatusAndTheJSONShape() async throws {
        let errors: [any LicnaError] = [
            TrustError.invalidRequest("profile"), TrustError.wrongPassphrase(), PKIError(.badSignature, "x"),
            RegistryError.notFound, TrustError.alreadyRevoked, LicnaHTTPError.unauthorized,
            LicnaHTTPError(code: .noCheckpoint, category: .forbidden, messageKey: "error.audit.no-checkpoint"),
            PDFError(.fileTooLarge, "x"), LicnaHTTPError(code: .noCheckpoint, category: .throttled, messageKey: "error.audit.no-checkpoint"),
            TrustError.notInitialized, TrustError.keyMismatch("x"), LicnaHTTPError.sealNotPDF,
        ]
        #expect(Set(errors.map(\.category)).count == 12)
        try await TestInstallation.make(.sqlite).withApp { app in
            app.get("api", "error-model", ":index") { request -> String in
                throw errors[request.parameters.get("index", as: Int.self) ?? 0]
            }
            for (index, error) in errors.enumerated() {
                try await app.testing().test(.GET, "api/error-model/\(index)", headers: ["Accept-Language": "sq"]) { response in
                    #expect(response.status == error.category.httpStatus, "\(error)")
                    let body = try JSONDecoder().decode(APIErrorBody.self, from: Data(response.body.readableBytesView))
                    #expect(body.error == error.code)
                    #expect(body.message == Translations.bundled.text(error.messageKey, "sq", error.arguments))
                    let keys = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                    #expect(Set(keys?.keys.map { $0 } ?? []) == ["error", "message"])
                }
            }
        }
    }

    /// What `ServerCardAuthority` reads when the server refuses: the server's own body, decoded by `APIFailure`,
    /// gives its code, its translated message and the exit status of its category.
    @Test func aClientReadsTheServersRealErrorBody() async throws {
        try await TestInstallation.make(.sqlite).withApp { app in
            let officer = try await officerToken(app)
            let headers: HTTPHeaders = ["Authorization": "Bearer \(officer)", "Accept-Language": "en"]
            try await app.testing().test(.POST, "/api/pki/certificates", headers: headers, beforeRequest: { request in
                try request.content.encode(CertificateIssueRequest(profile: "no-such-profile", csr: "x"))
            }) { response in
                let failure = APIFailure(url: "http://127.0.0.1/api/pki/certificates", status: Int(response.status.code),
                                         body: Data(response.body.readableBytesView))
                #expect(failure.code == .caInvalidRequest)
                #expect(failure.message.contains("profile must be authentication, signature or e-seal"), "\(failure.message)")
                #expect(failure.exitCode.rawValue == 1)
                let shown = Translations.bundled.text(failure.messageKey, "en", failure.arguments)
                #expect(shown.contains("400") && shown.contains(failure.message), "\(shown)")
            }
            try await app.testing().test(.POST, "/api/pki/security-objects", headers: ["Authorization": "Bearer wrong"], beforeRequest: { request in
                try request.content.encode(SecurityObjectRequest(dataGroups: ["1": "AQ=="]))
            }) { response in
                let failure = APIFailure(url: "http://127.0.0.1/api/pki/security-objects", status: Int(response.status.code),
                                         body: Data(response.body.readableBytesView))
                #expect(failure.code == .unauthorized && failure.category == .unauthorized && failure.exitCode.rawValue == 3)
                #expect(!failure.message.isEmpty)
            }
        }
        // Not the JSON error shape (a proxy's page): the start of the text is the message, and the status decides.
        let proxy = APIFailure(url: "https://eid.example.me/api/pki/certificates", status: 502, body: Data("<html>Bad Gateway</html>".utf8))
        #expect(proxy.code == .apiUnexpectedAnswer && proxy.message == "<html>Bad Gateway</html>" && proxy.exitCode.rawValue == 3)
    }
}
