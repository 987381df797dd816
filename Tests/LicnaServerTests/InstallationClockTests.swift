import Foundation
import LicnaBasics
import LicnaPKI
@testable import LicnaServer
import Testing
import VaporTesting
import X509

/// Issue 11, item 3: one clock. The installation's clock is moved, and everything on the server that reads the time
/// follows it: officer sessions end, OCSP answers carry the clock's thisUpdate and nextUpdate, and CRLs are produced
/// when the clock says they are due, with its times.
@Suite struct InstallationClockTests {
    /// A clock on a whole second near now, so that times written in whole seconds compare exactly.
    static func clock() -> AdjustableWallClock {
        AdjustableWallClock(Date(timeIntervalSince1970: SystemWallClock().now.timeIntervalSince1970.rounded(.down)))
    }

    @Test func officerSessionsExpireByTheInstallationClock() async throws {
        let clock = Self.clock()
        try await TestInstallation.make(.sqlite).withApp(clock: clock) { app in
            let sessions = OfficerSessionTests()
            let (_, cookie) = try await sessions.signIn(app)
            let session = try #require(cookie)
            clock.advance(29 * 60)
            #expect(try await sessions.officerPage(app, cookie: session) == .ok)
            // No real time passes: only the installation's clock says the session has been idle too long.
            clock.advance(31 * 60)
            #expect(try await sessions.officerPage(app, cookie: session) == .seeOther)
        }
    }

    @Test func ocspValidityFollowsTheInstallationClock() async throws {
        let clock = Self.clock()
        try await TestInstallation.make(.sqlite).withApp(clock: clock) { app in
            try await TrustFixtures.initialize(app)
            let configuration = app.licna.trust.configuration
            let certificate = try await TrustFixtures.issue(app)
            let citizenCA = try await app.licna.trust.authority(on: app.db).hierarchy().authority(.citizen).certificate
            let request = try TrustFixtures.ocspRequest(for: Array(certificate.serialNumber.bytes), issuer: citizenCA)
            func answer() async throws -> (response: OCSPResponse, single: OCSPResponse.SingleResponse) {
                var body: [UInt8] = []
                try await app.testing().test(.POST, "/pki/ocsp", beforeRequest: { outgoing in
                    outgoing.headers.contentType = HTTPMediaType(type: "application", subType: "ocsp-request")
                    outgoing.body = ByteBuffer(bytes: request)
                }) { response in
                    #expect(response.status == .ok)
                    body = Array(buffer: response.body)
                }
                let response = try OCSPResponse(derEncoded: body)
                return (response, try #require(response.responses.first))
            }

            let first = try await answer()
            #expect(first.single.status == .good)
            #expect(first.single.thisUpdate == clock.now && first.response.producedAt == clock.now)
            #expect(first.single.nextUpdate == clock.now + configuration.ocspValidity)

            // Within the cache lifetime the same answer is served; past it, a new one carries the clock's new time.
            let issuedAt = clock.now
            clock.advance(configuration.ocspCacheLifetime - 1)
            #expect(try await answer().single.thisUpdate == issuedAt)
            clock.advance(2 * 3_600)
            let later = try await answer()
            #expect(later.single.thisUpdate == clock.now && later.single.nextUpdate == clock.now + configuration.ocspValidity)
        }
    }

    @Test func crlSchedulingFollowsTheInstallationClock() async throws {
        let clock = Self.clock()
        try await TestInstallation.make(.sqlite).withApp(clock: clock) { app in
            try await TrustFixtures.initialize(app)
            let trust = app.licna.trust
            let configuration = trust.configuration
            let authority = trust.authority(on: app.db)
            let name = CRLName(authority: .citizen, partition: 0)
            let produced = try #require(try await trust.crls(on: app.db).stored(name))
            #expect(produced.thisUpdate == clock.now && produced.nextUpdate == clock.now + configuration.crlValidity)
            #expect(try await authority.crlsAreDue() == false)

            // A second before the interval is over nothing is due and the maintenance leaves the CRL alone.
            clock.advance(configuration.crlInterval - 1)
            #expect(try await authority.crlsAreDue() == false)
            await TrustBackgroundWork.maintain(trust: trust, database: app.db, logger: app.logger)
            #expect(try await trust.crls(on: app.db).stored(name)?.number == produced.number)

            // At the interval the CRLs are due; the maintenance republishes them with the clock's times.
            clock.advance(1)
            #expect(try await authority.crlsAreDue())
            await TrustBackgroundWork.maintain(trust: trust, database: app.db, logger: app.logger)
            let republished = try #require(try await trust.crls(on: app.db).stored(name))
            #expect(republished.number > produced.number)
            #expect(republished.thisUpdate == clock.now && republished.nextUpdate == clock.now + configuration.crlValidity)
            let crl = try CertificateRevocationList(derEncoded: republished.der)
            #expect(crl.thisUpdate == clock.now && crl.nextUpdate == clock.now + configuration.crlValidity)
            #expect(try await authority.crlsAreDue() == false)

            // HTTP caches may keep it until its nextUpdate as the installation's clock counts.
            clock.advance(600)
            try await app.testing().test(.GET, "/pki/crl/citizen-0.crl") { response in
                #expect(response.status == .ok)
                #expect(response.headers.first(name: .cacheControl) == "public, max-age=\(Int(configuration.crlValidity) - 600), no-transform")
            }
        }
    }
}
