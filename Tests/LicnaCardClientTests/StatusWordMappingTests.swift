import Foundation
import LicnaBasics
import LicnaCard
@testable import LicnaCardClient
import Testing

/// The one mapping from a status word to the clients' errors: each word, its code and category for PIV and for
/// eMRTD, and a translated message for every code in all five languages.
@Suite struct StatusWordMappingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let status: StatusWord
        let piv: ErrorCode
        let category: ErrorCategory
        let triesLeft: Int?
        let emrtd: ErrorCode
        let emrtdCategory: ErrorCategory
        var testDescription: String { "\(status)" }
    }

    static let table: [Case] = [
        Case(status: .verificationFailed(triesLeft: 4), piv: .pivWrongSecret, category: .refused, triesLeft: 4,
             emrtd: .emrtdWrongSecret, emrtdCategory: .refused),
        Case(status: .verificationFailed(triesLeft: 1), piv: .pivWrongSecret, category: .refused, triesLeft: 1,
             emrtd: .emrtdWrongSecret, emrtdCategory: .refused),
        Case(status: .verificationFailed(triesLeft: 0), piv: .pivWrongSecret, category: .refused, triesLeft: 0,
             emrtd: .emrtdWrongSecret, emrtdCategory: .refused),
        Case(status: .authenticationBlocked, piv: .pivBlocked, category: .refused, triesLeft: 0,
             emrtd: .emrtdWrongSecret, emrtdCategory: .refused),
        Case(status: .securityStatusNotSatisfied, piv: .pivSecurityStatusNotSatisfied, category: .unauthorized, triesLeft: nil,
             emrtd: .emrtdAccessDenied, emrtdCategory: .unauthorized),
        Case(status: .conditionsNotSatisfied, piv: .pivConditionsNotSatisfied, category: .conflict, triesLeft: nil,
             emrtd: .emrtdUnexpectedStatus, emrtdCategory: .internal),
        Case(status: .fileNotFound, piv: .pivNotFound, category: .notFound, triesLeft: nil,
             emrtd: .emrtdNotFound, emrtdCategory: .notFound),
        Case(status: .referenceNotFound, piv: .pivReferenceNotFound, category: .notFound, triesLeft: nil,
             emrtd: .emrtdUnexpectedStatus, emrtdCategory: .internal),
        Case(status: .wrongData, piv: .pivWrongData, category: .refused, triesLeft: nil,
             emrtd: .emrtdUnexpectedStatus, emrtdCategory: .internal),
        Case(status: .wrongLength, piv: .pivWrongLength, category: .internal, triesLeft: nil,
             emrtd: .emrtdUnexpectedStatus, emrtdCategory: .internal),
    ] + [StatusWord.incorrectP1P2, .instructionNotSupported, .classNotSupported, .wrongParameters, .commandNotAllowed,
         .noPreciseDiagnosis, .notEnoughMemory, .secureMessagingNotSupported, StatusWord(0x6300)].map {
        Case(status: $0, piv: .pivUnexpectedStatus, category: .internal, triesLeft: nil, emrtd: .emrtdUnexpectedStatus,
             emrtdCategory: .internal)
    }

    @Test(arguments: table) func eachStatusWordMapsToOneError(_ row: Case) {
        let piv = PIVError(statusWord: row.status, operation: "VERIFY PIN")
        #expect(piv.code == row.piv)
        #expect(piv.category == row.category)
        #expect(piv.triesLeft == row.triesLeft)
        #expect(piv.statusWord == row.status)
        #expect(piv.arguments["status"] == row.status.description)
        let emrtd = EMRTDError(statusWord: row.status, operation: "READ BINARY DG1")
        #expect(emrtd.code == row.emrtd)
        #expect(emrtd.category == row.emrtdCategory)
        #expect(emrtd.statusWord == row.status)
        #expect(emrtd.triesLeft == (row.emrtd == .emrtdWrongSecret ? row.triesLeft : nil))
    }

    @Test func aWrongSecretNamesTheSecretAndTheTriesLeft() {
        let wrong = PIVError(statusWord: .verificationFailed(triesLeft: 2), operation: "RESET RETRY COUNTER", secret: "PUK")
        #expect(wrong.messageKey == "error.piv-wrong-secret")
        #expect(wrong.arguments["secret"] == "PUK" && wrong.arguments["left"] == "2")
        #expect(wrong.message == "RESET RETRY COUNTER: wrong PUK; 2 tries left")
        // The last wrong try blocks: the person reads that the secret is blocked.
        let last = PIVError(statusWord: .verificationFailed(triesLeft: 0), operation: "VERIFY PIN")
        #expect(last.code == .pivWrongSecret && last.messageKey == "error.piv-blocked")
        #expect(PIVError(statusWord: .authenticationBlocked, operation: "VERIFY PIN").messageKey == "error.piv-blocked")
        // Only a wrong or blocked secret names it.
        #expect(PIVError(statusWord: .fileNotFound, operation: "GET DATA").arguments["secret"] == nil)
    }

    @Test func adviceChangesTheSentenceNotTheCode() {
        let advised = PIVError(statusWord: .wrongData, operation: "CHANGE REFERENCE DATA PIN",
                               advice: [.wrongData: "the new PIN must be 6–8 digits"])
        #expect(advised.code == .pivWrongData && advised.category == .refused)
        #expect(advised.message == "CHANGE REFERENCE DATA PIN: the new PIN must be 6–8 digits")
        let other = PIVError(statusWord: .fileNotFound, operation: "CHANGE REFERENCE DATA PIN",
                             advice: [.wrongData: "the new PIN must be 6–8 digits"])
        #expect(other.message == "CHANGE REFERENCE DATA PIN: not found on the card")
    }

    @Test func noCardOrReaderIsUnavailable() {
        for code in [ErrorCode.cardLibraryNotFound, .cardNoService, .cardNoReaders, .cardReaderNotFound, .cardNoSmartCard,
                     .cardRemoved, .cardSharingViolation, .cardPCSCFailure] {
            #expect(CardChannelError(code, "x").category == .unavailable, "\(code)")
        }
        #expect(CardChannelError(.cardInvalidCommand, "x").category == .invalidInput)
        #expect(CardChannelError(.cardMalformedResponse, "x").category == .internal)
        #expect(CardChannelError(.cardNoService, "start pcscd", pcscCode: 0x8010_001D).detail == "start pcscd (PC/SC 0x8010001D)")
    }

    /// Every error the card clients raise, one of each code, with the arguments it carries.
    static var everyError: [any LicnaError] {
        let channel: [any LicnaError] = [
            ErrorCode.cardLibraryNotFound, .cardNoService, .cardNoReaders, .cardReaderNotFound, .cardNoSmartCard, .cardRemoved,
            .cardSharingViolation, .cardPCSCFailure, .cardMalformedResponse, .cardInvalidCommand, .cardDisconnected,
        ].map { CardChannelError($0, "x") }
        let piv: [any LicnaError] = table.map { PIVError(statusWord: $0.status, operation: "x") } + [
            PIVError(.pivMalformedResponse, "x"), PIVError(.pivInvalidArgument, "x"), PIVError(.pivCardAuthenticationFailed, "x"),
        ]
        let emrtd: [any LicnaError] = table.map { EMRTDError(statusWord: $0.status, operation: "x") } + [
            EMRTDError(.emrtdMalformedFile, "x"), EMRTDError(.emrtdFileTooLarge, "x"),
        ]
        return channel + piv + emrtd
    }

    /// The translation files, read from the source tree (this test target does not link LicnaTranslations).
    static func translations() throws -> [String: [String: String]] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/LicnaTranslations/Resources/Translations")
        var tables: [String: [String: String]] = [:]
        for language in ["en", "sq", "mk", "sr", "cnr"] {
            let data = try Data(contentsOf: folder.appendingPathComponent("\(language).json"))
            tables[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return tables
    }

    @Test func everyMessageIsTranslatedWithTheArgumentsItUses() throws {
        let tables = try Self.translations()
        let errors = Self.everyError
        #expect(Set(errors.map(\.code)).count == 29)
        for error in errors {
            for (language, table) in tables {
                let text = try #require(table[error.messageKey], "\(error.messageKey) missing in \(language)")
                // Every placeholder the message uses is an argument the error gives.
                let placeholders = text.split(separator: "{").dropFirst().compactMap { $0.split(separator: "}").first.map(String.init) }
                for name in placeholders {
                    #expect(error.arguments[name] != nil, "\(error.messageKey) in \(language) uses {\(name)}")
                }
            }
        }
    }

    /// The clients build commands from `Instruction` and read status words through `StatusWord`: no literal INS
    /// byte and no hand decoding of SW1/SW2 in LicnaCardClient.
    @Test func clientsUseTheNamedConstants() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/LicnaCardClient")
        let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > 20)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("ins: 0x"), "\(file) builds a command from a literal instruction byte")
            #expect(!text.contains(".sw1") && !text.contains(".sw2"), "\(file) decodes a status word by hand")
        }
    }
}
