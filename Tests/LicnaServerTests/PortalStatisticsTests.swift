import Foundation
import LicnaCore
import LicnaIdentityProvider
import LicnaPortal
@testable import LicnaServer
import Testing
import VaporTesting

/// Issue 14, item 7: the portal's public statistics count views, documents and accounts, and withhold a
/// municipality's count from 1 to 4.
@Suite struct PortalStatisticsTests {
    @Test(arguments: TestEngine.available)
    func countsAreRightAndSmallMunicipalCountsAreWithheld(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp { app in
            try await TrustFixtures.initialize(app, organizationIdentifier: "NTRME-02012345")
            let family = try await DocumentIssuanceTests.family(app)
            for _ in 0..<2 {
                try await app.testing().test(.GET, "/services/passport?lang=en") { #expect($0.status == .ok) }
            }
            let documents = app.licna.documents(on: app.db)
            let signIn = DocumentIssuanceTests.signIn(family.account, .substantial)
            _ = try await documents.request(.birthCertificate, personID: family.parent.id.rawValue.uuidString, signIn: signIn, locale: ServiceLocale.page("en"))
            var statistics = try await app.licna.portalStatistics(on: app.db).statistics()
            #expect(statistics.servicesViewed["passport"] == 2)
            #expect(statistics.documentsIssued["birth-certificate"] == 1)
            // One document in Nikšić: withheld (fewer than five).
            let nikšić = try #require(statistics.byMunicipality["Nikšić"])
            #expect(nikšić.documentsIssued == nil)
            #expect(statistics.accounts >= 1 && statistics.accountsByLevel.values.reduce(0, +) == statistics.accounts)
            for _ in 0..<4 {
                _ = try await documents.request(.residenceCertificate, personID: family.child.id.rawValue.uuidString, signIn: signIn, locale: ServiceLocale.page("en"))
            }
            statistics = try await app.licna.portalStatistics(on: app.db).statistics()
            #expect(statistics.byMunicipality["Nikšić"]?.documentsIssued == 5)
            // The JSON and the page: charts drawn on the server, the counts also as a table.
            try await app.testing().test(.GET, "/api/stats/portal") { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.contains("\"documentsIssued\"") && !body.contains(family.parent.identificationNumber))
            }
            try await app.testing().test(.GET, "/stats?lang=en") { response in
                let page = String(buffer: response.body)
                #expect(response.status == .ok && page.contains("<svg") && page.contains("role=\"img\"") && page.contains("Documents issued"))
            }
        }
    }
}
