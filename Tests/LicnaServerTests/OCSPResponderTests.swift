import Foundation
import LicnaPKI
@testable import LicnaServer
import NIOConcurrencyHelpers
import Testing
import X509

/// The responder's parts: the status store it asks, the cache of answers and statuses in front of it, and the
/// numbers that are configuration.
@Suite struct OCSPResponderTests {
    /// The installation's store, counting how often it is asked.
    struct CountingStore: OCSPStatusStore {
        let inner: OCSPSQLStatusStore
        let reads = NIOLockedValueBox(0)

        func statuses(of serials: [Certificate.SerialNumber], issuer: String, at time: Date) async throws
            -> [Certificate.SerialNumber: OCSPCertificateStatus] {
            reads.withLockedValue { $0 += 1 }
            return try await inner.statuses(of: serials, issuer: issuer, at: time)
        }
    }

    /// A nonce asks for a freshly produced answer (RFC 6960 §4.4.1): its status is read from the store every time,
    /// so a hold made by another process a moment ago shows at once, before any poll (interop `test_card_ca.py`
    /// revokes with the command line and asks OpenSSL, which sends a nonce, right after).
    @Test func nonceAnswersReadTheStoreEveryTimeAndShowAChangeAtOnce() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let certificate = try await TrustFixtures.issue(app)
            let authority = app.licna.trust.authority(on: app.db)
            let ca = try await authority.hierarchy().authority(.citizen).certificate
            let ocsp = app.licna.trust.ocsp
            let store = CountingStore(inner: OCSPSQLStatusStore(database: app.db))
            func answer(nonce: [UInt8]) async throws -> OCSPResponse {
                let request = try TrustFixtures.ocspRequest(for: Array(certificate.serialNumber.bytes), issuer: ca, nonce: nonce)
                let answer = await ocsp.respond(to: request, client: ClientAddress("192.0.2.7"), store: store)
                #expect(answer.cacheableUntil == nil)
                #expect(ocsp.cachingHeaders(for: answer).first?.1 == "no-store")
                return try OCSPResponse(derEncoded: answer.bytes)
            }
            let first = try await answer(nonce: [1, 2, 3, 4, 5, 6, 7, 8])
            let second = try await answer(nonce: [9, 9, 9, 9, 9, 9, 9, 9])
            #expect(first.responses.first?.status == .good && second.responses.first?.status == .good)
            #expect(first.nonceValue != second.nonceValue)  // each answer echoes its own nonce: signed for it
            #expect(store.reads.withLockedValue { $0 } == 2)  // each one read the store
            try await authority.change(serial: certificate.serialNumber.hex, .hold, context: .test)  // no poll
            guard case .revoked(_, .certificateHold) = try await answer(nonce: [7, 7, 7, 7, 7, 7, 7, 7]).responses.first?.status else {
                Issue.record("the hold must show in the next nonce answer at once"); return
            }
            #expect(store.reads.withLockedValue { $0 } == 3)
        }
    }

    /// What the SQLite reader's tests share: an SQLite installation with its CA hierarchy, one certificate issued, and
    /// a status reader of its file.
    struct ReaderFixture {
        let installation: TestInstallation
        let path: String
        let certificate: Certificate
        let authority: CertificateAuthorityService
        let ca: Certificate
        let ocsp: OCSPResponderService
        let reader: OCSPSQLiteStatusReader

        static func with(_ body: @escaping (ReaderFixture) async throws -> Void) async throws {
            let installation = try await TestInstallation.make(.sqlite)
            try await installation.withApp(http: false) { app in
                try await TrustFixtures.initialize(app)
                let certificate = try await TrustFixtures.issue(app)
                let authority = app.licna.trust.authority(on: app.db)
                let path = try #require(installation.storage.sqliteFile)
                try await body(ReaderFixture(installation: installation, path: path, certificate: certificate, authority: authority,
                                             ca: try await authority.hierarchy().authority(.citizen).certificate,
                                             ocsp: app.licna.trust.ocsp, reader: OCSPSQLiteStatusReader(path: path)))
            }
        }
    }

    /// The dedicated listener's synchronous read of an SQLite installation (`OCSPSQLiteStatusReader`): a nonce
    /// answer from it is signed for that nonce and states the status committed at that moment — a hold made through
    /// another connection shows at once, and so does its release; a serial never issued is unknown; a file that is
    /// not the installation's is an error (the listener then takes the asynchronous path), never "good".
    @Test func theSQLiteReaderSeesEveryCommittedChangeAtOnce() async throws {
        try await ReaderFixture.with { fixture in
            let (installation, certificate, authority, ca, ocsp, reader) = (fixture.installation, fixture.certificate, fixture.authority,
                                                                           fixture.ca, fixture.ocsp, fixture.reader)
            func answer(serial: [UInt8], nonce: [UInt8]) throws -> OCSPResponse? {
                let request = try TrustFixtures.ocspRequest(for: serial, issuer: ca, nonce: nonce)
                guard case .needsStatus(let pending) = ocsp.prepare(request, client: ClientAddress("192.0.2.8")),
                      let answer = ocsp.complete(pending, reader: reader) else { return nil }
                #expect(answer.cacheableUntil == nil)
                let response = try OCSPResponse(derEncoded: answer.bytes)
                #expect(response.nonceValue.map { Array($0.suffix(nonce.count)) } == nonce)  // signed for this nonce
                return response
            }
            let serial = Array(certificate.serialNumber.bytes)
            #expect(try answer(serial: serial, nonce: [1, 1, 1, 1, 1, 1, 1, 1])?.responses.first?.status == .good)
            try await authority.change(serial: certificate.serialNumber.hex, .hold, context: .test)  // no poll
            guard case .revoked(_, .certificateHold) = try answer(serial: serial, nonce: [2, 2, 2, 2, 2, 2, 2, 2])?.responses.first?.status else {
                Issue.record("the hold must show in the next nonce answer at once"); return
            }
            try await authority.change(serial: certificate.serialNumber.hex, .release, context: .test)
            #expect(try answer(serial: serial, nonce: [3, 3, 3, 3, 3, 3, 3, 3])?.responses.first?.status == .good)
            #expect(try answer(serial: [0x12, 0x34], nonce: [4, 4, 4, 4, 4, 4, 4, 4])?.responses.first?.status == .unknown)
            let elsewhere = OCSPSQLiteStatusReader(path: installation.directory.appendingPathComponent("not-the-installation.sqlite").path)
            let request = try TrustFixtures.ocspRequest(for: serial, issuer: ca, nonce: [5, 5, 5, 5, 5, 5, 5, 5])
            guard case .needsStatus(let pending) = ocsp.prepare(request, client: ClientAddress("192.0.2.8")) else {
                Issue.record("a nonce request needs a status read"); return
            }
            #expect(ocsp.complete(pending, reader: elsewhere) == nil)
        }
    }

    /// Between two commits the SQLite reader answers nonce requests from the statuses it remembered, without a read
    /// transaction; after any commit — the CA's change through the driver, or an UPDATE through a connection of its
    /// own, as another process would make it — the very next answer reads again and states the new status. Thirty
    /// alternating changes, each checked twice.
    @Test func theSQLiteReaderRemembersStatusesOnlyUntilTheNextCommit() async throws {
        try await ReaderFixture.with { fixture in
            let (certificate, authority, ca, ocsp, reader) = (fixture.certificate, fixture.authority, fixture.ca, fixture.ocsp, fixture.reader)
            let otherProcess = try SQLiteFileConnection(path: fixture.path, busyTimeout: 5_000, prepare: [])
            var nonce: UInt8 = 0
            /// Whether the next nonce answer says "on hold", and whether it took a read transaction.
            func answer() throws -> (held: Bool, read: Bool) {
                nonce &+= 1
                let before = reader.transactions.load(ordering: .relaxed)
                let request = try TrustFixtures.ocspRequest(for: Array(certificate.serialNumber.bytes), issuer: ca, nonce: [UInt8](repeating: nonce, count: 8))
                guard case .needsStatus(let pending) = ocsp.prepare(request, client: nil), let answer = ocsp.complete(pending, reader: reader) else {
                    throw PKIError(.malformed, "no answer from the SQLite reader")
                }
                let status = try OCSPResponse(derEncoded: answer.bytes).responses.first?.status
                let held = if case .revoked(_, .certificateHold) = status { true } else { false }
                #expect(held || status == .good)
                return (held, reader.transactions.load(ordering: .relaxed) > before)
            }
            #expect(try answer() == (false, true))
            #expect(try answer() == (false, false))
            for round in 0..<30 {
                let hold = round % 2 == 0
                if round % 3 == 0 {
                    try await authority.change(serial: certificate.serialNumber.hex, hold ? .hold : .release, context: .test)
                } else {
                    try otherProcess.execute("UPDATE \(PKICertificatesTable.table.name) SET \(PKICertificatesTable.status.name) = '\(hold ? "hold" : "good")' "
                                             + "WHERE \(PKICertificatesTable.serial.name) = '\(certificate.serialNumber.hex)'")
                }
                #expect(try answer() == (hold, true), "round \(round): the change shows in the very next answer")
                #expect(try answer() == (hold, false), "round \(round): then it is remembered")
            }
        }
    }

    @Test func unknownSerialsAreAskedEveryTime() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let ca = try await app.licna.trust.authority(on: app.db).hierarchy().authority(.citizen).certificate
            let store = CountingStore(inner: OCSPSQLStatusStore(database: app.db))
            let request = try TrustFixtures.ocspRequest(for: [0x12, 0x34], issuer: ca)
            for _ in 0..<2 {
                let answer = await app.licna.trust.ocsp.respond(to: request, client: nil, store: store)
                #expect(try OCSPResponse(derEncoded: answer.bytes).responses.first?.status == .unknown)
            }
            #expect(store.reads.withLockedValue { $0 } == 2)
        }
    }

    @Test func cacheLimitsAreConfiguration() async throws {
        var trust = TrustConfiguration()
        trust.ocspMaximumCachedRequestBytes = 16  // no real request is this small: nothing is cached
        trust.ocspMaximumHTTPMaxAge = 7
        /// A fresh installation under `trust` answers one request for a certificate it issued.
        func firstAnswer(_ trust: TrustConfiguration,
                         check: @escaping @Sendable (OCSPResponderService, [UInt8], OCSPResponderService.Answer) -> Void) async throws {
            try await TestInstallation.make(.sqlite).withApp(http: false, trust: trust) { app in
                try await TrustFixtures.initialize(app)
                let certificate = try await TrustFixtures.issue(app)
                let ca = try await app.licna.trust.authority(on: app.db).hierarchy().authority(.citizen).certificate
                let ocsp = app.licna.trust.ocsp
                let request = try TrustFixtures.ocspRequest(for: Array(certificate.serialNumber.bytes), issuer: ca)
                check(ocsp, request, await ocsp.respond(to: request, client: nil, on: app.db))
            }
        }
        try await firstAnswer(trust) { ocsp, request, first in
            #expect(ocsp.cachedAnswer(for: request) == nil)
            #expect(first.cacheableUntil == nil)
        }
        trust.ocspMaximumCachedRequestBytes = 512
        try await firstAnswer(trust) { ocsp, request, answer in
            #expect(ocsp.cachedAnswer(for: request)?.body == answer.body)
            let cacheControl = ocsp.cachingHeaders(for: answer).first { $0.0 == "Cache-Control" }?.1 ?? ""
            #expect(cacheControl.contains("max-age=7,") || cacheControl.contains("max-age=6,"))
        }
    }
}
