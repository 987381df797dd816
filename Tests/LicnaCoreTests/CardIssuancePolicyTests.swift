import Foundation
import LicnaBasics
import LicnaCore
import Testing

/// Issue 12, item 1: card validity by age at issue, certificates capped at five years and the card's expiry, the
/// travel document at ten years, signature certificates for adults only, legacy document types with an end.
@Suite struct CardIssuancePolicyTests {
    static func day(_ text: String) -> CivilDate { CivilDate(iso8601: text)! }
    let policy = CardIssuancePolicy.montenegro
    let issued = Self.day("2026-12-03")

    @Test func aSeventySixYearOldGetsFiftyYearsWithFiveYearCertificatesAndATenYearTravelDocument() throws {
        let validity = try policy.validity(birthDate: Self.day("1950-06-15"), issuedOn: issued)
        #expect(validity.ageAtIssue == 76)
        #expect(validity.cardExpires == Self.day("2076-12-03"))
        #expect(validity.certificatesExpire == Self.day("2031-12-03"))
        #expect(validity.travelDocumentExpires == Self.day("2036-12-03"))
        #expect(validity.signatureCertificate)
        #expect(validity.certificatesNotAfter == UTCDateTime(year: 2031, month: 12, day: 3).date)
    }

    @Test func aMinorGetsFiveYearsAndNoSignatureCertificate() throws {
        let validity = try policy.validity(birthDate: Self.day("2012-01-01"), issuedOn: issued)
        #expect(validity.ageAtIssue == 14 && !validity.signatureCertificate)
        // Certificates and the travel document never outlast the card.
        #expect(validity.cardExpires == Self.day("2031-12-03"))
        #expect(validity.certificatesExpire == validity.cardExpires && validity.travelDocumentExpires == validity.cardExpires)
    }

    /// The bands turn on the birthday itself: the day before the 18th (and 75th) birthday is the lower band.
    @Test func bandsTurnOnTheBirthday() throws {
        let eve = try policy.validity(birthDate: Self.day("2008-12-04"), issuedOn: issued)
        let birthday = try policy.validity(birthDate: Self.day("2008-12-03"), issuedOn: issued)
        #expect(eve.ageAtIssue == 17 && !eve.signatureCertificate && eve.cardExpires == Self.day("2031-12-03"))
        #expect(birthday.ageAtIssue == 18 && birthday.signatureCertificate && birthday.cardExpires == Self.day("2036-12-03"))
        #expect(try policy.validity(birthDate: Self.day("1951-12-04"), issuedOn: issued).cardExpires == Self.day("2036-12-03"))
        #expect(try policy.validity(birthDate: Self.day("1951-12-03"), issuedOn: issued).cardExpires == Self.day("2076-12-03"))
        #expect(throws: CardPolicyError.self) { try policy.validity(birthDate: Self.day("2026-12-04"), issuedOn: issued) }
        #expect(try policy.validity(birthDate: issued, issuedOn: issued).ageAtIssue == 0)
    }

    /// A card issued on 29 February expires on 28 February in a common year; one born on 29 February is a year older
    /// on 1 March of a common year.
    @Test func leapDays() throws {
        let leap = Self.day("2028-02-29")
        let validity = try policy.validity(birthDate: Self.day("1990-05-05"), issuedOn: leap)
        #expect(validity.cardExpires == Self.day("2038-02-28") && validity.certificatesExpire == Self.day("2033-02-28"))
        #expect(try policy.validity(birthDate: Self.day("2008-02-29"), issuedOn: Self.day("2026-02-28")).ageAtIssue == 17)
        #expect(try policy.validity(birthDate: Self.day("2008-02-29"), issuedOn: Self.day("2026-03-01")).ageAtIssue == 18)
        #expect(leap.adding(years: 4) == Self.day("2032-02-29"))
    }

    @Test func legacyDocumentsAreAcceptedUntilTheirEnd() {
        #expect(policy.acceptance(of: .legacyIDCard, on: Self.day("2023-03-30")) == .accepted)
        #expect(policy.acceptance(of: .legacyIDCard, on: Self.day("2023-03-31")) == .ended(Self.day("2023-03-30")))
        #expect(policy.acceptance(of: .licnaIDCard, on: Self.day("2099-01-01")) == .accepted)
        #expect(policy.acceptance(of: DocumentType.ID(rawValue: "passport"), on: issued) == .unknownType)
    }

    /// A country's own policy is JSON; a policy that makes no sense is refused with the rule it breaks.
    @Test func policiesAreJSONAndValidated() throws {
        let json = """
            {"cardValidity": [{"fromAge": 0, "years": 5}, {"fromAge": 70, "years": 20}], "certificateMaximumYears": 3,
             "travelDocumentMaximumYears": 10, "signatureCertificateMinimumAge": 16,
             "documentTypes": [{"id": "licna-id-card"}, {"id": "old-card", "acceptedUntil": "2020-12-31"}]}
            """
        let albania = try JSONDecoder().decode(CardIssuancePolicy.self, from: Data(json.utf8))
        try albania.validate()
        let validity = try albania.validity(birthDate: Self.day("2010-01-01"), issuedOn: issued)
        #expect(validity.signatureCertificate && validity.certificatesExpire == Self.day("2029-12-03"))
        #expect(albania.acceptance(of: DocumentType.ID(rawValue: "old-card"), on: Self.day("2021-01-01")) == .ended(Self.day("2020-12-31")))
        let again = try JSONDecoder().decode(CardIssuancePolicy.self, from: JSONEncoder().encode(albania))
        #expect(again == albania)
        try CardIssuancePolicy.montenegro.validate()

        func refusal(_ change: (inout CardIssuancePolicy) -> Void) -> ErrorCode? {
            var changed = CardIssuancePolicy.montenegro
            change(&changed)
            do { try changed.validate() } catch let error as CardPolicyError { return error.code } catch { return nil }
            return nil
        }
        #expect(refusal { $0.cardValidity.removeFirst() } == .cardPolicyBandsStart)
        #expect(refusal { $0.cardValidity = [] } == .cardPolicyBandsStart)
        #expect(refusal { $0.cardValidity.append(.init(fromAge: 75, years: 5)) } == .cardPolicyBandsOrder)
        #expect(refusal { $0.cardValidity.swapAt(1, 2) } == .cardPolicyBandsOrder)
        #expect(refusal { $0.certificateMaximumYears = 0 } == .cardPolicyPeriod)
        #expect(refusal { $0.cardValidity[2].years = 500 } == .cardPolicyPeriod)
        #expect(refusal { $0.signatureCertificateMinimumAge = -1 } == .cardPolicySignatureAge)
        #expect(refusal { $0.documentTypes.append(DocumentType(id: .licnaIDCard, acceptedUntil: nil)) } == .cardPolicyDocumentType)
    }
}
