import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
import SQLKit
import X509

extension CertificateAuthorityService {
    /// The country's card policy: the one set with `licna cards policy --set`, or Montenegro's (the defaults).
    public func cardPolicy() async throws -> CardIssuancePolicy {
        try Self.cardPolicy(in: try await settings())
    }

    /// The card policy stored in `settings` (read once by a caller that needs more of them).
    static func cardPolicy(in settings: InstallationSettings) throws -> CardIssuancePolicy {
        guard let text = settings.cardPolicy else { return .montenegro }
        guard let policy = try? JSONDecoder().decode(CardIssuancePolicy.self, from: Data(text.utf8)), (try? policy.validate()) != nil else {
            throw TrustError.corruptRecord("the stored card policy cannot be read; set it again with `licna cards policy --set FILE`")
        }
        return policy
    }

    /// `date` moved by whole `years` (negative: back) in the Gregorian calendar in UTC, as certificate periods count.
    static func adding(years: Int, to date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        // Adding whole years to a representable instant always gives one.
        return calendar.date(byAdding: .year, value: years, to: date)!
    }

    /// Checks and stores the country's card policy, audited; the next card issued follows it.
    public func setCardPolicy(_ policy: CardIssuancePolicy, context: AuditContext) async throws {
        try policy.validate()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(policy), as: UTF8.self)
        let digest = ASCIIHex.encode(Array(SHA256.hash(data: Array(text.utf8))))
        try await database.retryingTransaction { db in
            try await InstallationSettings.replace(.cardPolicy, text, on: db.sql)
            try await audit.append([context.event(.cardsPolicySet, .setting, InstallationSettings.Key.cardPolicy.rawValue,
                                                  detail: "SHA-256 \(digest)")], on: db)
        }
    }

    /// The card policy's rules for a citizen certificate (`authentication` or `signature`), checked before it is
    /// issued: it lasts at most the policy's certificate period, and a signature certificate needs a holder of
    /// the policy's age when the registry knows them. Returns the latest `notAfter` the policy allows.
    func checkCitizenCertificate(_ request: CertificateRequest, now: Date, settings: InstallationSettings) async throws -> Date {
        let policy = try Self.cardPolicy(in: settings)
        let latest = Self.adding(years: policy.certificateMaximumYears, to: now)
        if let requested = request.notAfter, requested > latest {
            throw TrustError.invalidRequest("citizen certificates last at most \(policy.certificateMaximumYears) years by the card policy; choose a date until \(Self.day(latest))")
        }
        guard request.profile == .signature,
              let country = settings.country, let number = SubjectRules.identificationNumber(in: request.subject, country: country) else { return latest }
        typealias Persons = PersonsTable
        let row = try await sql.select().column(Persons.birthDate).from(Persons.table)
            .where(Persons.identificationNumber, .equal, number).first()
        if let text = try row?.decode(column: Persons.birthDate.name, as: String.self), let birth = CivilDate(iso8601: text),
           birth.age(on: clock.today) < policy.signatureCertificateMinimumAge {
            throw TrustError.invalidRequest("a signature certificate is only for holders of at least \(policy.signatureCertificateMinimumAge) years by the card policy, and this person is younger")
        }
        return latest
    }
}
