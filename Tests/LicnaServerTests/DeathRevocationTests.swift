import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
@testable import LicnaServer
import Testing
import Vapor
import X509

/// Issue 12, item 6: recording a death in the registry revokes the person's certificates, from the registry's
/// outbox (`life_events`), once, and nobody else's.
@Suite struct DeathRevocationTests {
    @Test func aRecordedDeathRevokesThePersonsCertificatesOnce() async throws {
        // Noon UTC today: the death's day (the installation's today) has begun in UTC too. With the real clock the
        // test failed between 23:00 and 24:00 UTC, when Montenegro's today starts in UTC's future and the invalidity
        // date is rightly capped at now.
        let system = SystemWallClock()
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        let noon = utc.startOfDay(for: system.now) + 12 * 3_600
        let clock = AdjustableWallClock(noon, timeZone: system.timeZone)
        try await TestInstallation.make(.sqlite).withApp(clock: clock, http: false) { app in
            try await TrustFixtures.initialize(app)
            let authority = app.licna.trust.authority(on: app.db)
            let registry = app.licna.registry(on: app.db)
            let today = app.licna.configuration.clock.today
            func register(_ name: String) async throws -> PersonView {
                let birth = BirthRegistration(givenName: name, surname: "Vuković", birthDate: today.adding(years: -60), birthPlace: "Cetinje",
                                              sex: .male, regionCode: 23, address: "Baja Pivljanina 2", municipality: "Cetinje")
                return try await registry.registerBirth(birth, context: .test).person
            }
            let deceased = try await register("Petar"), living = try await register("Pavle")
            let own = [try await TrustFixtures.issue(app, .authentication, subject: try TrustFixtures.citizenSubject(number: deceased.identificationNumber)),
                       try await TrustFixtures.issue(app, .signature, subject: try TrustFixtures.citizenSubject(number: deceased.identificationNumber))]
            let other = try await TrustFixtures.issue(app, .authentication, subject: try TrustFixtures.citizenSubject(number: living.identificationNumber))
            _ = try await authority.change(serial: own[1].serialNumber.hex, .hold, context: .test)  // a hold is revoked too
            #expect(try await authority.processDeaths(context: .test) == 0)  // nobody has died yet

            let death = today
            _ = try await registry.recordDeath(personID: deceased.id, date: death, context: .test)
            #expect(try await authority.processDeaths(context: .test) == 2)
            for certificate in own {
                let status = try await authority.status(serial: CertificateSerial(certificate.serialNumber))
                #expect(status.status == "revoked" && status.reason == RevocationReason.cessationOfOperation.name)
                #expect(status.invalidityDate == death.startInUTC)
            }
            #expect(try await authority.status(serial: CertificateSerial(other.serialNumber)).status == "good")
            // Processed once: a second pass finds nothing to do, and the audit trail names each revocation.
            #expect(try await authority.processDeaths(context: .test) == 0)
            let entries = try await app.licna.audit.entries(touching: own.map(\.serialNumber.hex), on: app.db)
            #expect(entries.filter { $0.action == AuditAction.caRevokeCessationOfOperation.rawValue }.count == 2)
        }
    }
}
