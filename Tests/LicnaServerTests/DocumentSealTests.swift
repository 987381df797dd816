import Fluent
import LicnaCore
import LicnaDocuments
import LicnaPKI
@testable import LicnaServer
import LicnaTestSupport
import SQLKit
import Testing
import X509

/// The institution's e-seal (ETSI EN 319 142-1 B-T with the in-process TSA), made on first use.
@Suite struct DocumentSealTests {
    /// Concurrent first seals, as two officers or a CLI and a server may send them: every one succeeds and is
    /// sealed with the one stored key; the certificates of the keys that lost the race are revoked (superseded).
    @Test(arguments: TestEngine.available)
    func concurrentFirstSealsShareOneKey(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            var setup = TrustFixtures.setup
            setup.organizationIdentifier = "NTRME-02012345"
            try await app.licna.trust.authority(on: app.db).initialize(setup, context: .test)
            try await app.licna.trust.reload(on: app.db)
            let trust = app.licna.trust
            let database = app.db
            let sealed = try await withThrowingTaskGroup(of: [UInt8].self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await trust.authority(on: database).seal(
                            pdf: PDFFixtures.classic(), timestamps: InstallationTimestampAuthority(trust: trust, database: database),
                            context: .test)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let hierarchy = try await trust.authority(on: database).hierarchy()
            let stored = try #require(hierarchy.eSeal).certificate
            // The installation's published CRLs answer for the e-seal's and the TSA's chains: the timestamp proves
            // the time only when the TSA certificate's status is known.
            let validator = PDFSignatureValidator(policy: ValidationPolicy(trustAnchors: [try hierarchy.authority(.root).certificate],
                                                                           revocationSource: PublishedCRLs(crls: trust.crls(on: database))))
            for pdf in sealed {
                let reports = try await validator.validate(pdf)
                #expect(reports.count == 1)
                #expect(reports.first?.signerCertificateSerial == stored.serialNumber.hex)
                #expect(reports.first?.provenSigningTime != nil)
                #expect(reports.first?.format == "PAdES-B-T")
            }
            let seals = try await (database as! any SQLDatabase).raw("""
                SELECT serial, status FROM pki_certificates WHERE profile = 'e-seal'
                """).all()
            #expect(seals.count >= 1)
            let good = try seals.filter { try $0.decode(column: "status", as: String.self) == "good" }
            #expect(good.count == 1)
            #expect(try good.first?.decode(column: "serial", as: String.self) == stored.serialNumber.hex)
        }
    }
}

/// The installation's CRLs by the file name their addresses end in (`root.crl`, `institution-0.crl`), without HTTP.
struct PublishedCRLs: RevocationSource {
    let crls: CRLPublisher

    func ocspResponse(url: String, request: [UInt8]) async -> [UInt8]? { nil }

    func crl(url: String) async -> [UInt8]? {
        for authority in AuthorityName.allCases {
            for partition in 0..<4 where CRLName(authority: authority, partition: partition).fileName == url.split(separator: "/").last.map(String.init) {
                return try? await crls.crl(CRLName(authority: authority, partition: partition))?.der
            }
        }
        return nil
    }
}
