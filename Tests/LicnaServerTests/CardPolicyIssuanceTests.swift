import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
@testable import LicnaServer
import Testing
import Vapor
import X509

/// The CA applies the country's card policy itself (issue 12, item 1), whatever a client asks: citizen certificates
/// last at most the policy's period, a registered minor gets no signature certificate, and the policy an installation
/// stores is checked and audited.
@Suite struct CardPolicyIssuanceTests {
    static func register(_ app: Application, born: CivilDate) async throws -> String {
        let birth = BirthRegistration(givenName: "Ana", surname: "Mladenović", birthDate: born, birthPlace: "Nikšić", sex: .female,
                                      regionCode: 26, address: "Njegoševa 1", municipality: "Nikšić")
        return try await app.licna.registry(on: app.db).registerBirth(birth, context: .test).person.identificationNumber
    }

    @Test func citizenCertificatesFollowThePolicy() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let authority = app.licna.trust.authority(on: app.db)
            let today = app.licna.configuration.clock.today
            #expect(try await authority.cardPolicy() == .montenegro)
            // No more than five years, even when asked for six (the CA itself lasts longer).
            let year = 365.25 * 86_400
            await #expect(throws: TrustError.self) { try await TrustFixtures.issue(app, .authentication, notAfter: Date() + 6 * year) }
            let fiveYears = try await TrustFixtures.issue(app, .authentication)
            #expect(fiveYears.notValidAfter <= Date() + 5 * year + 86_400)
            // A registered 14-year-old gets an authentication certificate, not a signature certificate; an adult gets both.
            let minor = try await Self.register(app, born: today.adding(years: -14))
            _ = try await TrustFixtures.issue(app, .authentication, subject: try TrustFixtures.citizenSubject(number: minor))
            await #expect(throws: TrustError.self) {
                try await TrustFixtures.issue(app, .signature, subject: try TrustFixtures.citizenSubject(number: minor))
            }
            let adult = try await Self.register(app, born: today.adding(years: -18))
            _ = try await TrustFixtures.issue(app, .signature, subject: try TrustFixtures.citizenSubject(number: adult))

            // A country's own policy: stored, audited, and the next certificate follows it.
            var own = CardIssuancePolicy.montenegro
            own.certificateMaximumYears = 3
            own.signatureCertificateMinimumAge = 14
            try await authority.setCardPolicy(own, context: .test)
            #expect(try await authority.cardPolicy() == own)
            await #expect(throws: TrustError.self) { try await TrustFixtures.issue(app, .authentication, notAfter: Date() + 4 * year) }
            #expect(try await TrustFixtures.issue(app, .authentication).notValidAfter <= Date() + 3 * year + 86_400)
            _ = try await TrustFixtures.issue(app, .signature, subject: try TrustFixtures.citizenSubject(number: minor))
            let entries = try await app.licna.audit.entries(touching: [InstallationSettings.Key.cardPolicy.rawValue], on: app.db)
            #expect(entries.map(\.action) == [AuditAction.cardsPolicySet.rawValue])

            // A policy that makes no sense is refused and changes nothing.
            var broken = own
            broken.cardValidity = [.init(fromAge: 18, years: 10)]
            await #expect(throws: CardPolicyError.self) { try await authority.setCardPolicy(broken, context: .test) }
            #expect(try await authority.cardPolicy() == own)
        }
    }

    /// A card asks for certificates until its limit at the latest: when the citizen CA ends sooner, the certificate
    /// ends with the CA instead of the personalization failing (an exact `notAfter` past the CA is still refused).
    @Test func aCardsLatestEndIsCappedByTheCANotRefused() async throws {
        var trust = TrustConfiguration()
        trust.defaultValidity = 200 * 365.25 * 86_400
        try await TestInstallation.make(.sqlite).withApp(http: false, trust: trust) { app in
            try await TrustFixtures.initialize(app)
            let authority = app.licna.trust.authority(on: app.db)
            var long = CardIssuancePolicy.montenegro
            long.certificateMaximumYears = 100
            try await authority.setCardPolicy(long, context: .test)
            let caEnd = try await authority.hierarchy().authority(.citizen).certificate.notValidAfter
            let csr = try TrustFixtures.csr(subject: try TrustFixtures.citizenSubject())
            let capped = try await authority.issue(CertificateRequest(profile: .authentication, csr: csr, latestNotAfter: caEnd + 86_400 * 365),
                                                   context: .test)
            #expect(capped.notValidAfter == caEnd)
            await #expect(throws: TrustError.self) {
                try await authority.issue(CertificateRequest(profile: .authentication, csr: csr, notAfter: caEnd + 86_400), context: .test)
            }
            await #expect(throws: TrustError.self) {
                try await authority.issue(CertificateRequest(profile: .authentication, csr: csr, latestNotAfter: Date() - 60), context: .test)
            }
        }
    }
}
