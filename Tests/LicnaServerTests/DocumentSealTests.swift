import Foundation
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
            // The installation's OCSP responder and published CRLs answer for the e-seal's and the TSA's chains: the
            // timestamp proves the time only when the TSA certificate's status is known from data issued after it.
            let source = PublishedCRLs(crls: trust.crls(on: database), ocsp: trust.ocsp, database: database)
            let validator = PDFSignatureValidator(policy: ValidationPolicy(trustAnchors: [try hierarchy.authority(.root).certificate],
                                                                           revocationSource: source, now: Date(), clock: ContinuousClock()))
            for pdf in sealed {
                let reports = try await validator.validate(pdf)
                #expect(reports.count == 1)
                #expect(reports.first?.signerCertificateSerial == stored.serialNumber.hex)
                #expect(reports.first?.provenSigningTime != nil)
                #expect(reports.first?.format == "PAdES-B-T")
            }
            let seals = try await database.sql.raw("""
                SELECT serial, status FROM pki_certificates WHERE profile = 'e-seal'
                """).all()
            #expect(seals.count >= 1)
            let good = try seals.filter { try $0.decode(column: "status", as: String.self) == "good" }
            #expect(good.count == 1)
            #expect(try good.first?.decode(column: "serial", as: String.self) == stored.serialNumber.hex)
        }
    }

    /// A visible seal: the widget on the asked page carries the stamp; a page the document lacks is a TrustError
    /// with its own code (HTTP 400 with a translated message), and nothing is sealed.
    @Test(.requires(file: TrueTypeFont.defaultFontPath, package: "fonts-dejavu-core"))
    func aVisibleSealHasAStampAndAMissingPageIsRefused() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            var setup = TrustFixtures.setup
            setup.organizationIdentifier = "NTRME-02012345"
            try await app.licna.trust.authority(on: app.db).initialize(setup, context: .test)
            try await app.licna.trust.reload(on: app.db)
            let authority = app.licna.trust.authority(on: app.db)
            let timestamps = InstallationTimestampAuthority(trust: app.licna.trust, database: app.db)
            var appearance = SignatureAppearance(pageIndex: 1, font: try TrueTypeFont.load(), caption: "Електронски печат",
                                                 notice: "Важи само у електронском облику.")
            let sealed = try await authority.seal(pdf: PDFFixtures.classic(pageCount: 2), timestamps: timestamps,
                                                  appearance: appearance, context: .test)
            let file = try PDFFile(bytes: sealed)
            let field = try #require(try file.formFields().first)
            #expect(field.dictionary["P"]?.referenceValue == (try file.pages()[1].reference))
            #expect(try file.array(field.dictionary["Rect"])?.compactMap(\.numberValue) == [36, 36, 256, 96])
            #expect(try file.dictionary(field.dictionary["AP"])?["N"] != nil)
            let lines = appearance.text(for: try #require(try await authority.hierarchy().eSeal).certificate, signingTime: Date())
            #expect(lines.first == "Електронски печат" && lines.last == "Важи само у електронском облику." && lines.count == 5, "\(lines)")

            appearance.pageIndex = 2
            let error = await #expect(throws: TrustError.self) {
                _ = try await authority.seal(pdf: PDFFixtures.classic(pageCount: 2), timestamps: timestamps, appearance: appearance, context: .test)
            }
            #expect(error?.code == .caInvalidAppearance && error?.httpStatus == .badRequest, "\(String(describing: error))")
        }
    }
}

/// The installation's CRLs by the file name their addresses end in (`root.crl`, `institution-0.crl`), without HTTP.
struct PublishedCRLs: RevocationSource {
    let crls: CRLPublisher
    /// The installation's OCSP responder, when answers issued after a timestamp are needed (the TSA's and the
    /// signer's revocation data must be, README "Validation policy"); the published CRLs may be older.
    var ocsp: OCSPResponderService?
    var database: (any Database)?

    func ocspResponse(url: String, request: [UInt8]) async -> [UInt8]? {
        guard let ocsp, let database else { return nil }
        let answer = await ocsp.respond(to: request, client: nil, on: database)
        return answer.status == .successful ? Array(answer.body.readableBytesView) : nil
    }

    func crl(url: String) async -> [UInt8]? {
        guard let name = url.split(separator: "/").last.flatMap({ CRLName(fileName: String($0)) }) else { return nil }
        return try? await crls.crl(name)?.der
    }
}
