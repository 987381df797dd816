import Foundation
@testable import LicnaServer
import Testing
import X509

/// `licna serve --demo` gives a newcomer a working trust service: a development hierarchy when there is none,
/// never a second one, and never a change to an installation that has its own.
@Suite struct DemoHierarchyTests {
    @Test func theDemoCreatesOneDevelopmentHierarchyAndOnlyWhenThereIsNone() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false, demo: true) { app in
            let authority = app.licna.trust.authority(on: app.db)
            await #expect(throws: TrustError.self) { _ = try await authority.export(.root) }
            #expect(try await DemoHierarchy.ensure(app, publicURL: "http://127.0.0.1:8080"))
            let root = try Certificate(pemEncoded: try await authority.export(.root))
            #expect(root.subject.description.contains("TEST"), "\(root.subject)")
            // Signing services work at once: the citizen CA issues (the reload happened), OCSP answers for it.
            let certificate = try await TrustFixtures.issue(app)
            #expect(certificate.issuer.description.contains("TEST"))
            // A second start finds the hierarchy and leaves it alone.
            #expect(try await DemoHierarchy.ensure(app, publicURL: "http://127.0.0.1:8080") == false)
            #expect(try Certificate(pemEncoded: try await authority.export(.root)) == root)
        }
    }

    @Test func anInstallationWithItsOwnHierarchyIsLeftAlone() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false, demo: true) { app in
            try await TrustFixtures.initialize(app)
            let before = try await app.licna.trust.authority(on: app.db).export(.root)
            #expect(try await DemoHierarchy.ensure(app, publicURL: "http://127.0.0.1:8080") == false)
            #expect(try await app.licna.trust.authority(on: app.db).export(.root) == before)
        }
    }
}
