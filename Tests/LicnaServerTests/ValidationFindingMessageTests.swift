import Foundation
import LicnaDocuments
@testable import LicnaServer
import LicnaTranslations
import Testing
import Vapor
import VaporTesting

/// Validation findings are codes with arguments (issue 11, item 7): every code has its sentence in every language,
/// with every placeholder filled; the coded arguments have their words too; the OpenAPI document lists exactly the
/// codes the validators report.
@Suite struct ValidationFindingMessageTests {
    /// One finding of every code, with every argument its sentence uses.
    static let everyCode: [ValidationFinding] = [
        ValidationFinding(.validationLimitReached, ["limit": "dssEntries", "value": "1000"]),
        ValidationFinding(.validationError, ["detail": "detail"]),
        ValidationFinding(.cmsTooManyElements, ["maximum": "100000"]),
        ValidationFinding(.cmsMalformed, ["detail": "detail"]),
        ValidationFinding(.signerCount),
        ValidationFinding(.signingCertificateNotFound),
        ValidationFinding(.signedDataChanged),
        ValidationFinding(.signatureValueInvalid),
        ValidationFinding(.signatureMalformed, ["detail": "detail"]),
        ValidationFinding(.signingCertificateUnprotected),
        ValidationFinding(.timestampNotTrusted),
        ValidationFinding(.timestampInvalid, ["detail": "detail"]),
        ValidationFinding(.timestampCertificateRevoked,
                          ["certificate": "timestamp-authority", "time": "2026-12-03T10:00:00Z", "reason": "keyCompromise"]),
        ValidationFinding(.timestampCertificateStatusUnknown, ["certificate": "ca-above-timestamp-authority", "name": "Licna TSA CA"]),
        ValidationFinding(.timestampNoRevocationData, ["certificate": "timestamp-authority", "gap": "expired", "offline": "true"]),
        ValidationFinding(.certificateNotYetValid),
        ValidationFinding(.certificateExpiredNoProof),
        ValidationFinding(.noCertificateChain),
        ValidationFinding(.certificateRevokedBeforeProvenTime, ["certificate": "signer"]),
        ValidationFinding(.certificateRevokedNoProof, ["certificate": "ca", "name": "Licna Citizen CA"]),
        ValidationFinding(.certificateStatusUnknown, ["certificate": "signer"]),
        ValidationFinding(.noRevocationData, ["certificate": "signer", "gap": "too-old"]),
        ValidationFinding(.signatureDictionaryMalformed, ["detail": "detail"]),
        ValidationFinding(.signatureFormatUnsupported, ["subFilter": "adbe.x509.rsa_sha1"]),
        ValidationFinding(.signatureFormatMissing),
        ValidationFinding(.signatureNotAtRevisionEnd),
        ValidationFinding(.signedRevisionUnreadable),
        ValidationFinding(.crossReferenceDamaged),
        ValidationFinding(.updateSkipsSignedRevision),
        ValidationFinding(.changedAfterSigning, ["change": "the page 1 content was changed"]),
        ValidationFinding(.signedRevisionExtractable, ["length": "1234"]),
    ]

    @Test func everyFindingCodeHasItsSentenceInEveryLanguage() {
        #expect(everyCodeIsCovered())
        let tables = Translations.bundled.tables
        for finding in Self.everyCode {
            for language in Translations.languages {
                #expect(tables[language]?[finding.messageKey]?.isEmpty == false, "\(language) has no \(finding.messageKey)")
                let sentence = finding.message { Translations.bundled.text($0, language, $1) }
                #expect(!sentence.contains("{") && !sentence.contains("verify.finding"), "\(language) \(finding.code): \(sentence)")
                #expect(sentence.first?.isUppercase == true || sentence.first == "`", "\(language) \(finding.code): \(sentence)")
            }
        }
    }

    func everyCodeIsCovered() -> Bool {
        Set(Self.everyCode.map(\.code)) == Set(ValidationFinding.Code.allCodes)
            && Self.everyCode.count == ValidationFinding.Code.allCodes.count
    }

    /// Coded arguments (whose certificate, why revocation data did not count, which limit) and the optional parts
    /// are said in every language; a finding of each value is a whole sentence.
    @Test func everyCodedArgumentHasItsWordsInEveryLanguage() {
        let tables = Translations.bundled.tables
        #expect(Set(ValidationFinding.translatedArgumentValues.keys) == Set(ValidationFinding.translatedArguments))
        #expect(ValidationFinding.translatedArgumentValues["limit"]?.count == ValidationLimitExceeded.Limit.allCases.count)
        var keys = ["verify.finding-part.reason", "verify.finding-part.offline"]
        for (name, values) in ValidationFinding.translatedArgumentValues {
            keys += values.map { "verify.finding-part.\(name).\($0)" }
        }
        for language in Translations.languages {
            for key in keys { #expect(tables[language]?[key]?.isEmpty == false, "\(language) has no \(key)") }
        }
        let examples = ValidationFinding.translatedArgumentValues["certificate", default: []].map {
            ValidationFinding(.noRevocationData, ["certificate": $0, "name": "Licna CA"])
        } + ValidationFinding.translatedArgumentValues["gap", default: []].map {
            ValidationFinding(.timestampNoRevocationData, ["certificate": "timestamp-authority", "gap": $0])
        } + ValidationLimitExceeded.Limit.allCases.map { ValidationLimitExceeded($0, limits: ValidationLimits()).finding }
        for finding in examples {
            for language in Translations.languages {
                let sentence = finding.message { Translations.bundled.text($0, language, $1) }
                #expect(!sentence.contains("{") && !sentence.contains("verify.finding"), "\(language) \(finding): \(sentence)")
            }
        }
    }

    /// The English sentences say what the validators used to write, now from the translation files.
    @Test func theEnglishSentencesReadAsBefore() {
        func english(_ finding: ValidationFinding) -> String { finding.message { Translations.bundled.text($0, "en", $1) } }
        #expect(english(ValidationLimitExceeded(.dssEntries, limits: ValidationLimits()).finding)
            == "The validation limit on DSS entries (1000 entries) was reached; the validation stopped there.")
        #expect(english(ValidationLimitExceeded(.decodedBytes, limits: ValidationLimits()).finding)
            == "The validation limit on decoded bytes (128 MiB) was reached; the validation stopped there.")
        #expect(english(ValidationFinding(.noRevocationData, ["certificate": "signer", "gap": "expired", "offline": "true"]))
            == "No revocation data for the signer's certificate: the revocation data found has expired (past its next update) (validated offline).")
        #expect(english(ValidationFinding(.certificateRevokedNoProof, ["certificate": "ca", "name": "Licna Citizen CA"]))
            == "The CA certificate Licna Citizen CA is revoked and no timestamp proves the signature was made before.")
        #expect(english(ValidationFinding(.timestampCertificateRevoked, ["certificate": "timestamp-authority", "time": "2026-12-03T10:00:00Z"]))
            == "The timestamp authority's certificate was revoked on 2026-12-03T10:00:00Z; the signature timestamp's time is not taken as proof.")
        #expect(english(ValidationFinding(.changedAfterSigning, ["change": "the page 1 content was changed"]))
            == "After this signature was made, the page 1 content was changed.")
        #expect(english(ValidationFinding(.signedRevisionExtractable, ["length": "1234"])).contains("`head -c 1234 FILE > signed.pdf`"))
    }

    /// Findings compare by code and arguments (the fuzzer and the tests look them up in reports); the sentence
    /// travels in the JSON with them and decodes back.
    @Test func aFindingIsItsCodeAndArgumentsAndItsJSONCarriesTheSentence() throws {
        let finding = ValidationFinding(.noRevocationData, ["certificate": "signer", "offline": "true"])
        let translated = finding.translated { Translations.bundled.text($0, "sq", $1) }
        #expect(translated == finding && translated.message?.hasPrefix("Certifikata e nënshkruesit nuk ka të dhëna revokimi") == true,
                "\(translated.message ?? "")")
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(translated)) as? [String: Any]
        #expect(json?["code"] as? String == "no-revocation-data")
        #expect(json?["arguments"] as? [String: String] == ["certificate": "signer", "offline": "true"])
        #expect(json?["message"] as? String == translated.message)
        let decoded = try JSONDecoder().decode(ValidationFinding.self, from: JSONEncoder().encode(translated))
        #expect(decoded == finding && decoded.message == translated.message)
        #expect(ValidationFinding(.noRevocationData, ["certificate": "ca"]) != finding)
    }

    /// A limit reached while the file is opened is a `LicnaError` of its own: `.refused`, the 422 the server
    /// answers then, with a message in every language (ErrorModelTests checks every code's message).
    @Test func aLimitReachedIsALicnaError() {
        let error = ValidationLimitExceeded(.signatureVerifications, limits: ValidationLimits(maximumSignatureVerifications: 300))
        #expect(error.code.rawValue == "validation-limit-reached" && error.category == .refused && error.category.httpStatus == .unprocessableEntity)
        #expect(error.messageKey == "error.validation-limit-reached.signatureVerifications")
        #expect(Translations.bundled.text(error.messageKey, "en", error.arguments)
            == "The file cannot be validated within the limit on signature verifications (300 verifications).")
        #expect(error.detail == "the validation limit on signature verifications (300 verifications) was reached; the validation stopped there")
    }

    @Test func theOpenAPIDocumentListsExactlyTheFindingCodes() async throws {
        try await TestInstallation.make(.sqlite).withApp { app in
            try await app.testing().test(.GET, OpenAPIController.path) { response in
                let document = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let schemas = (document?["components"] as? [String: Any])?["schemas"] as? [String: Any]
                let finding = try #require(schemas?["ValidationFinding"] as? [String: Any])
                let code = (finding["properties"] as? [String: Any])?["code"] as? [String: Any]
                #expect(code?["enum"] as? [String] == ValidationFinding.Code.allCodes.map(\.rawValue))
                #expect(Set(finding["required"] as? [String] ?? []) == ["code", "arguments", "message"])
            }
        }
    }
}
