import Crypto
import Fluent
import Foundation
import LicnaAPI
import LicnaCore
import LicnaPKI
@testable import LicnaServer
import SQLKit
import Testing
import Vapor
import X509

/// Personalization holds the database's one writer for its writes only: certificates are signed before their
/// transaction, and the card's record reads and checks before its own. These are the races that opens, each of which
/// must end with exactly one outcome recorded.
@Suite struct PersonalizationRaceTests {
    /// An approved application's plan and two certificates on hold for it, as one station would hold them.
    struct StationWork {
        var plan: CardPersonalizationPlan
        var authentication: Certificate
        var signature: Certificate
    }

    static func approvedApplication(_ app: Application) async throws -> String {
        let clock = app.licna.configuration.clock
        let birth = BirthRegistration(givenName: "Marko", surname: "Đukanović", birthDate: clock.today.adding(years: -30),
                                      birthPlace: "Nikšić", sex: .male, regionCode: 26, address: "Trg 1", municipality: "Nikšić")
        let number = try await app.licna.registry(on: app.db).registerBirth(birth, context: .test).person.identificationNumber
        let cards = app.licna.cards(on: app.db)
        let application = try await cards.apply(identificationNumber: number, photo: nil, language: "en", contractAccepted: true, context: .test)
        _ = try await cards.approve(id: application.id, context: .test)
        return application.id
    }

    static func stationWork(_ app: Application, application: String) async throws -> StationWork {
        let plan = try await app.licna.cards(on: app.db).personalizationPlan(applicationID: application, context: .test)
        let authority = app.licna.trust.authority(on: app.db)
        let subject = try TrustFixtures.citizenSubject(given: plan.givenNames, surname: plan.surname, number: plan.identificationNumber)
        func certify(_ profile: CertificateProfile) async throws -> Certificate {
            try await authority.issue(CertificateRequest(profile: profile, csr: try TrustFixtures.csr(subject: subject, key: .init(P256.Signing.PrivateKey())),
                                                         latestNotAfter: plan.validity.certificatesNotAfter, onHold: true), context: .test)
        }
        return StationWork(plan: plan, authentication: try await certify(.authentication), signature: try await certify(.signature))
    }

    static func status(_ app: Application, _ certificate: Certificate) async throws -> String? {
        try await app.db.sql.select().column(PKICertificatesTable.status).from(PKICertificatesTable.table)
            .where(PKICertificatesTable.serial, .equal, certificate.serialNumber.hex).first()?
            .decode(column: PKICertificatesTable.status.name, as: String.self)
    }

    /// Four stations given the same approved application record their cards at once: one card is recorded, with its
    /// own certificates; the others are refused (the application is no longer approved), and their certificates stay
    /// on hold for their stations to revoke, bound to no card.
    @Test(arguments: TestEngine.available)
    func stationsRecordingOneApplicationAtOnceRecordOneCard(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let application = try await Self.approvedApplication(app)
            var work: [StationWork] = []
            for _ in 0..<4 { work.append(try await Self.stationWork(app, application: application)) }
            let cards = app.licna.cards(on: app.db)
            let outcomes = await withTaskGroup(of: (Int, CardView?).self) { group in
                for (index, station) in work.enumerated() {
                    group.addTask {
                        let view = try? await cards.recordPersonalization(
                            station.plan, authenticationSerial: station.authentication.serialNumber.hex,
                            signatureSerial: station.signature.serialNumber.hex, suspensionCode: CardSecrets.random().suspensionCode, context: .test)
                        return (index, view)
                    }
                }
                return await group.reduce(into: [(Int, CardView?)]()) { $0.append($1) }
            }
            let recorded = outcomes.compactMap { outcome in outcome.1.map { (outcome.0, $0) } }
            try #require(recorded.count == 1)
            let (winner, view) = recorded[0]
            #expect(view.state == "personalized" && view.cardNumber == work[winner].plan.cardNumber)
            #expect(view.authenticationSerial == work[winner].authentication.serialNumber.hex)
            let stored = try #require(try await CardApplicationModel.find(application, on: app.db))
            #expect(stored.cardNumber == work[winner].plan.cardNumber && stored.signatureSerial == work[winner].signature.serialNumber.hex)
            #expect(try await cards.statistics().issued == 1)
            let entries = try await app.licna.audit.entries(touching: [application], on: app.db)
            #expect(entries.filter { $0.action == AuditAction.cardPersonalize.rawValue }.count == 1)
            for station in work { #expect(try await Self.status(app, station.authentication) == "hold") }
        }
    }

    /// A certificate that leaves its hold before the card is recorded (the station's own abandonment, or an
    /// officer's revocation) cannot be recorded on the card: the application stays approved.
    @Test func aCertificateRevokedBeforeTheRecordIsRefused() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let application = try await Self.approvedApplication(app)
            let station = try await Self.stationWork(app, application: application)
            _ = try await app.licna.trust.authority(on: app.db).change(serial: CertificateSerial(rawValue: station.signature.serialNumber.hex),
                                                                     .revoke(.cessationOfOperation, invalidityDate: nil), context: .test)
            let cards = app.licna.cards(on: app.db)
            await #expect(throws: CardIssuanceError.self) {
                try await cards.recordPersonalization(station.plan, authenticationSerial: station.authentication.serialNumber.hex,
                                                      signatureSerial: station.signature.serialNumber.hex,
                                                      suspensionCode: CardSecrets.random().suspensionCode, context: .test)
            }
            #expect(try await CardApplicationModel.find(application, on: app.db)?.state == .approved)
        }
    }

    /// Certificates signed at once by many tasks: each is in the partition of the count read when it was signed, so
    /// a partition holds at most its size plus the issuances in flight, and every partition named is one the
    /// authority's count has reached (so its CRL is published).
    @Test func partitionsOfConcurrentIssuancesStayBounded() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false, trust: TrustConfiguration(crlPartitionSize: 5)) { app in
            try await TrustFixtures.initialize(app)
            let authority = app.licna.trust.authority(on: app.db)
            let subject = try TrustFixtures.citizenSubject()
            let inFlight = 4
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<inFlight {
                    group.addTask {
                        for _ in 0..<10 {
                            _ = try await authority.issue(CertificateRequest(profile: .authentication,
                                                                             csr: try TrustFixtures.csr(subject: subject, key: .init(P256.Signing.PrivateKey()))),
                                                          context: .test)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let rows = try await app.db.sql.select().column(PKICertificatesTable.partitionNumber).from(PKICertificatesTable.table)
                .where(PKICertificatesTable.profile, .equal, CertificateProfile.authentication.rawValue).all()
            let partitions = try rows.map { try $0.decode(column: PKICertificatesTable.partitionNumber.name, as: Int.self) }
            #expect(partitions.count == 40)
            let sizes = Dictionary(grouping: partitions, by: { $0 }).mapValues(\.count)
            #expect(sizes.values.allSatisfy { $0 <= 5 + inFlight - 1 })
            #expect(sizes.keys.allSatisfy { $0 * 5 < 40 })
        }
    }
}
