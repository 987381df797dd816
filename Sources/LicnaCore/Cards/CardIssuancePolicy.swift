import Foundation
import LicnaBasics

/// How long a card and what it carries stay valid, and who gets a signature certificate: a country's rules, with
/// Montenegro's as the defaults (docs/card.md, "Policies").
///
/// - Card validity by age at issue: under 18, 5 years; 18 to 74, 10 years; 75 and over, 50 years (bands).
/// - Certificates last at most 5 years and never past the card's expiry: a 50-year card is renewed, not certified
///   for 50 years (the certificate registration Albania's long-lived cards broke).
/// - The travel-document part (DG1 and the printed MRZ, EF.SOD) expires at the earlier of the card's expiry and 10
///   years after issue; ICAO 9303-3 §4.2 has DG1 equal the printed MRZ, so it is written once and never rewritten.
/// - A signature certificate only from 18 (a minor cannot sign with legal effect).
/// - Document types with the day their acceptance ended, for legacy documents (Montenegro's old ID cards were
///   accepted until 30 March 2023), consulted wherever a document is accepted.
public struct CardIssuancePolicy: Codable, Sendable, Equatable {
    /// From this age at issue (inclusive), cards last this many years, until the next band's age.
    public struct ValidityBand: Codable, Sendable, Equatable {
        public var fromAge: Int
        public var years: Int

        public init(fromAge: Int, years: Int) {
            self.fromAge = fromAge
            self.years = years
        }
    }

    public var cardValidity: [ValidityBand]
    public var certificateMaximumYears: Int
    public var travelDocumentMaximumYears: Int
    public var signatureCertificateMinimumAge: Int
    public var documentTypes: [DocumentType]
    /// Whether a card's fingerprint images stay (sealed) after delivery, where the country's law requires it; by
    /// default they are deleted at delivery. Absent from a policy file: false.
    public var keepFingerprints: Bool

    public init(cardValidity: [ValidityBand], certificateMaximumYears: Int, travelDocumentMaximumYears: Int,
                signatureCertificateMinimumAge: Int, documentTypes: [DocumentType], keepFingerprints: Bool = false) {
        self.keepFingerprints = keepFingerprints
        self.cardValidity = cardValidity
        self.certificateMaximumYears = certificateMaximumYears
        self.travelDocumentMaximumYears = travelDocumentMaximumYears
        self.signatureCertificateMinimumAge = signatureCertificateMinimumAge
        self.documentTypes = documentTypes
    }

    private enum CodingKeys: String, CodingKey {
        case cardValidity, certificateMaximumYears, travelDocumentMaximumYears, signatureCertificateMinimumAge, documentTypes, keepFingerprints
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(cardValidity: container.decode([ValidityBand].self, forKey: .cardValidity),
                      certificateMaximumYears: container.decode(Int.self, forKey: .certificateMaximumYears),
                      travelDocumentMaximumYears: container.decode(Int.self, forKey: .travelDocumentMaximumYears),
                      signatureCertificateMinimumAge: container.decode(Int.self, forKey: .signatureCertificateMinimumAge),
                      documentTypes: container.decode([DocumentType].self, forKey: .documentTypes),
                      keepFingerprints: container.decodeIfPresent(Bool.self, forKey: .keepFingerprints) ?? false)
    }

    /// Montenegro's rules: the defaults.
    public static let montenegro = CardIssuancePolicy(
        cardValidity: [.init(fromAge: 0, years: 5), .init(fromAge: 18, years: 10), .init(fromAge: 75, years: 50)],
        certificateMaximumYears: 5, travelDocumentMaximumYears: 10, signatureCertificateMinimumAge: 18,
        documentTypes: [
            DocumentType(id: .licnaIDCard, acceptedUntil: nil),
            DocumentType(id: .legacyIDCard, acceptedUntil: CivilDate(year: 2023, month: 3, day: 30)),
        ])

    /// Checks the rules make sense, naming the first that does not: bands that start at age 0 and rise, every
    /// period between 1 and 100 years, certificates and the travel document no longer than the shortest card,
    /// document types named once.
    public func validate() throws {
        guard let first = cardValidity.first, first.fromAge == 0 else { throw CardPolicyError(code: .cardPolicyBandsStart) }
        for (earlier, later) in zip(cardValidity, cardValidity.dropFirst()) where later.fromAge <= earlier.fromAge {
            throw CardPolicyError(code: .cardPolicyBandsOrder, arguments: ["age": String(later.fromAge)])
        }
        for period in cardValidity.map(\.years) + [certificateMaximumYears, travelDocumentMaximumYears] where !(1...100).contains(period) {
            throw CardPolicyError(code: .cardPolicyPeriod, arguments: ["years": String(period)])
        }
        guard (0...150).contains(signatureCertificateMinimumAge) else {
            throw CardPolicyError(code: .cardPolicySignatureAge, arguments: ["age": String(signatureCertificateMinimumAge)])
        }
        var seen = Set<DocumentType.ID>()
        for type in documentTypes where !seen.insert(type.id).inserted || type.id.rawValue.isEmpty {
            throw CardPolicyError(code: .cardPolicyDocumentType, arguments: ["type": type.id.rawValue])
        }
    }

    /// What a card issued on `issuedOn` to a person born on `birthDate` gets. Throws when the birth date lies after
    /// the issue date.
    public func validity(birthDate: CivilDate, issuedOn: CivilDate) throws -> CardValidity {
        guard birthDate <= issuedOn else { throw CardPolicyError(code: .cardPolicyBirthAfterIssue) }
        let age = birthDate.age(on: issuedOn)
        let band = cardValidity.last { $0.fromAge <= age } ?? cardValidity[0]
        let cardExpires = issuedOn.adding(years: band.years)
        return CardValidity(ageAtIssue: age, issuedOn: issuedOn, cardExpires: cardExpires,
                            travelDocumentExpires: min(cardExpires, issuedOn.adding(years: travelDocumentMaximumYears)),
                            certificatesExpire: min(cardExpires, issuedOn.adding(years: certificateMaximumYears)),
                            signatureCertificate: age >= signatureCertificateMinimumAge)
    }

    /// Whether a document of type `id` is accepted on `day`: known types whose acceptance has not ended.
    public func acceptance(of id: DocumentType.ID, on day: CivilDate) -> DocumentAcceptance {
        guard let type = documentTypes.first(where: { $0.id == id }) else { return .unknownType }
        if let until = type.acceptedUntil, day > until { return .ended(until) }
        return .accepted
    }
}

/// A kind of identity document and the last day it is accepted (nil: no end).
public struct DocumentType: Codable, Sendable, Equatable {
    public struct ID: RawRepresentable, Codable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The card Licna issues.
        public static let licnaIDCard = ID(rawValue: "licna-id-card")
        /// The identity card issued before Licna's.
        public static let legacyIDCard = ID(rawValue: "legacy-id-card")

        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    public var id: ID
    public var acceptedUntil: CivilDate?

    public init(id: ID, acceptedUntil: CivilDate?) {
        self.id = id
        self.acceptedUntil = acceptedUntil
    }
}

/// The answer of `CardIssuancePolicy.acceptance(of:on:)`.
public enum DocumentAcceptance: Sendable, Equatable {
    case accepted
    /// Accepted until that day, no longer.
    case ended(CivilDate)
    /// Not a document type of this country's policy.
    case unknownType
}

/// The dates and rights of one card, from the policy at its issue.
public struct CardValidity: Sendable, Equatable {
    public var ageAtIssue: Int
    public var issuedOn: CivilDate
    /// The last day the card is valid.
    public var cardExpires: CivilDate
    /// The expiry in DG1, the printed MRZ and the security object.
    public var travelDocumentExpires: CivilDate
    /// The last day the card's certificates may be valid; renewal issues new ones up to `cardExpires`.
    public var certificatesExpire: CivilDate
    /// Whether the card gets a signature certificate (slot 9C).
    public var signatureCertificate: Bool

    /// The instant the certificates' `notAfter` may not pass: the start of `certificatesExpire` in UTC, which comes
    /// before the end of that day in every time zone.
    public var certificatesNotAfter: Date { certificatesExpire.startInUTC }
}

/// An error in a country's card policy, or a date it cannot be applied to.
public struct CardPolicyError: LicnaError, Hashable {
    public let code: ErrorCode
    public let arguments: [String: String]

    public init(code: ErrorCode, arguments: [String: String] = [:]) {
        self.code = code
        self.arguments = arguments
    }

    public var category: ErrorCategory { .invalidInput }
    public var messageKey: String { "error.card-policy." + code.rawValue }

    /// Every code a `CardPolicyError` carries.
    public static let allCodes: [ErrorCode] = [.cardPolicyBandsStart, .cardPolicyBandsOrder, .cardPolicyPeriod, .cardPolicySignatureAge, .cardPolicyDocumentType, .cardPolicyBirthAfterIssue]
}

extension ErrorCode {
    /// The first validity band does not start at age 0.
    public static let cardPolicyBandsStart = ErrorCode("bands-start")
    /// A validity band does not start at a higher age than the one before.
    public static let cardPolicyBandsOrder = ErrorCode("bands-order")
    /// A validity period is not between 1 and 100 years.
    public static let cardPolicyPeriod = ErrorCode("period")
    /// The minimum age for a signature certificate is not between 0 and 150.
    public static let cardPolicySignatureAge = ErrorCode("signature-age")
    /// A document type is unnamed or named twice.
    public static let cardPolicyDocumentType = ErrorCode("document-type")
    /// The birth date lies after the issue date.
    public static let cardPolicyBirthAfterIssue = ErrorCode("birth-after-issue")
}
