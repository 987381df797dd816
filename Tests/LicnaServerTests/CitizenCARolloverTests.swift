import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
@testable import LicnaServer
import Testing
import Vapor
import X509

/// The citizen CA's rollover (issue 12, item 1): seven years after `ca init` the 12-year citizen CA can no longer
/// cover 5-year certificates; a rollover under the root makes `citizen2`, which issues full-length certificates from
/// then on, while the first generation keeps answering OCSP (good and revoked alike) and publishing its CRLs.
@Suite struct CitizenCARolloverTests {
    static let year: TimeInterval = 365.25 * 86_400

    static func ocspStatus(_ app: Application, _ certificate: Certificate, issuer: Certificate) async throws -> OCSPCertificateStatus? {
        let request = try TrustFixtures.ocspRequest(for: Array(certificate.serialNumber.bytes), issuer: issuer, nonce: [9, 8, 7, 6, 5, 4, 3, 2])
        let answer = await app.licna.trust.ocsp.respond(to: request, client: nil, on: app.db)
        return try OCSPResponse(derEncoded: answer.bytes).responses.first?.status
    }

    @Test(arguments: TestEngine.available)
    func aRolloverKeepsFiveYearCertificatesAndTheOldCAAnswering(engine: TestEngine) async throws {
        let clock = AdjustableWallClock()
        try await TestInstallation.make(engine).withApp(clock: clock, http: false) { app in
            try await TrustFixtures.initialize(app)
            let authority = app.licna.trust.authority(on: app.db)
            let first = try await authority.hierarchy().authority(.citizen).certificate
            // Three years in, two certificates that outlive the coming rollover.
            clock.advance(3 * Self.year)
            try await authority.renewResponders()
            let early = try await TrustFixtures.issue(app)
            let revoked = try await TrustFixtures.issue(app)
            try await authority.change(serial: revoked.serialNumber.hex, .revoke(.keyCompromise, invalidityDate: nil), context: .test)
            #expect(try await authority.citizenCAState().rolloverDue == false)

            // Seven years after `ca init`, a certificate of the full period no longer fits: it is cut at the CA's end,
            // and the state says a rollover is due.
            clock.advance(4 * Self.year + 86_400)
            try await authority.renewResponders()
            try await app.licna.trust.reload(on: app.db)
            let state = try await authority.citizenCAState()
            #expect(state.rolloverDue && state.current == "citizen" && state.generations == ["citizen"])
            let cut = try await TrustFixtures.issue(app)
            #expect(cut.notValidAfter == first.notValidAfter)

            // A wrong passphrase changes nothing.
            await #expect(throws: TrustError.self) {
                _ = try await authority.rollOverCitizenCA(rootPassphrase: "wrong passphrase here", context: .test)
            }
            #expect(try await authority.hierarchy().citizenGenerations == [.citizen])

            let (name, second) = try await authority.rollOverCitizenCA(rootPassphrase: TrustFixtures.setup.rootPassphrase, context: .test)
            #expect(name.rawValue == "citizen2" && name.generation == 2)
            #expect(second.subject != first.subject && second.issuer == first.issuer)
            try await app.licna.trust.reload(on: app.db)
            let after = try await authority.citizenCAState()
            #expect(!after.rolloverDue && after.current == "citizen2" && after.generations == ["citizen2", "citizen"])

            // New certificates: the new generation, the full five years, verifiable under the root through it.
            let full = try await TrustFixtures.issue(app)
            #expect(full.issuer == second.subject)
            #expect(full.notValidAfter.timeIntervalSince(clock.now) > 4.99 * Self.year)
            #expect(second.publicKey.isValidSignature(full.signature, for: full))
            let root = try await authority.hierarchy().authority(.root).certificate
            var verifier = Verifier(rootCertificates: CertificateStore([root])) { RFC5280Policy(validationTime: clock.now) }
            guard case .validCertificate = await verifier.validate(leaf: full, intermediates: CertificateStore([first, second])) else {
                Issue.record("the new certificate must chain to the root through citizen2"); return
            }

            // Both generations answer OCSP for their own certificates, and only for those.
            #expect(try await Self.ocspStatus(app, early, issuer: first) == .good)
            guard case .revoked(_, .keyCompromise) = try await Self.ocspStatus(app, revoked, issuer: first) else {
                Issue.record("the old CA must keep answering revoked"); return
            }
            #expect(try await Self.ocspStatus(app, full, issuer: second) == .good)
            #expect(try await Self.ocspStatus(app, early, issuer: second) == .unknown)
            try await authority.change(serial: full.serialNumber.hex, .hold, context: .test)
            guard case .revoked(_, .certificateHold) = try await Self.ocspStatus(app, full, issuer: second) else {
                Issue.record("the new CA must answer its holds"); return
            }

            // Both publish CRLs; the old one's lists its revoked certificate; CA certificates are served by name.
            let crls = app.licna.trust.crls(on: app.db)
            try await crls.publishAll()
            let names = try await crls.list().map(\.name)
            #expect(names.contains("citizen-0.crl") && names.contains("citizen2-0.crl"))
            let oldCRL = try #require(try await crls.crl(CRLName(authority: .citizen, partition: 0)))
            #expect(try CertificateRevocationList(derEncoded: oldCRL.der).entries.contains { $0.serialNumber == revoked.serialNumber })
            #expect(try await authority.certificateDER(of: name) == (try DEREncoding.encode(second)))
            #expect(try await authority.export(.chain).components(separatedBy: "BEGIN CERTIFICATE").count == 4)  // citizen2, citizen, institution

            // The next rollover, after the first generation ended, makes citizen3; the hierarchy still verifies as a
            // whole, and the ended generation's responder is left alone.
            clock.advance(7 * Self.year)
            try await authority.renewResponders()
            let (third, _) = try await authority.rollOverCitizenCA(rootPassphrase: TrustFixtures.setup.rootPassphrase, context: .test)
            #expect(third.rawValue == "citizen3")
            try await authority.hierarchy().verifyIntegrity()
            // The ended generation publishes no more CRLs, and does not keep the others due.
            try await crls.publishAll()
            #expect(try await authority.crlsAreDue() == false)
            #expect(try await authority.hierarchy().publishingCRLs(at: clock.now) == [.citizen(generation: 2), .citizen(generation: 3), .institution, .csca])
            let audit = try await AuditEntryModel.query(on: app.db).filter(\.$action == AuditAction.caRollover.rawValue).count()
            #expect(audit == 2)
        }
    }

    @Test func authorityNamesAreTheFourAndLaterCitizenGenerations() {
        for good in ["root", "citizen", "institution", "csca", "citizen2", "citizen10", "citizen9999"] { #expect(AuthorityName(rawValue: good) != nil) }
        for bad in ["", "citizen1", "citizen0", "citizen02", "citizen-2", "citizen２", "citizen٢", "citizen99999", "institution2", "Citizen", "root2"] {
            #expect(AuthorityName(rawValue: bad) == nil, "\(bad)")
        }
        #expect(CRLName(fileName: "citizen2-3.crl") == CRLName(authority: .citizen(generation: 2), partition: 3))
        #expect(CRLName(fileName: "citizen2.crl") == nil)
    }
}
