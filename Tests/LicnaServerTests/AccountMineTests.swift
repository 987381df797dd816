import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
@testable import LicnaServer
import SQLKit
import Fluent
import Testing
import VaporTesting

/// Issue 14, item 5: the account page shows the person's registry data (no JMBG) and cards at level substantial; the
/// JMBG only after a fresh sign-in, and that reveal is audited.
@Suite struct AccountMineTests {
    static func page(_ app: Application, _ session: String) async throws -> (String, String?, String?) {
        var result: (String, String?, String?) = ("", nil, nil)
        try await app.testing().test(.GET, "/account?lang=en", beforeRequest: { $0.headers.cookie = [SignOnController.sessionCookieName: .init(string: session)] }) { response in
            let body = String(buffer: response.body)
            result = (body, body.firstMatch(of: #/name="csrf" value="([^"]+)"/#).map { String($0.output.1) }, response.headers.setCookie?[AccountController.formCookie]?.string)
        }
        return result
    }

    static func reveal(_ app: Application, _ session: String, csrf: String, cookie: String) async throws -> (HTTPStatus, String) {
        var result: (HTTPStatus, String) = (.ok, "")
        try await app.testing().test(.POST, "/account/jmbg?lang=en", beforeRequest: { request in
            request.headers.cookie = [SignOnController.sessionCookieName: .init(string: session), AccountController.formCookie: .init(string: cookie)]
            try request.content.encode(["csrf": csrf], as: .urlEncodedForm)
        }) { result = ($0.status, String(buffer: $0.body)) }
        return result
    }

    @Test func myDataWithoutTheJMBGUntilAFreshReveal() async throws {
        let clock = AdjustableWallClock()
        try await TestInstallation.make(.sqlite).withApp(clock: clock) { app in
            let family = try await DocumentIssuanceTests.family(app)
            let signOn = app.licna.signOn(on: app.db)
            let person = try #require(try await PersonModel.find(family.parent.id.rawValue, on: app.db))
            let jmbg = try app.licna.protector.open(SealedValue(keyVersion: person.jmbgKeyVersion, combined: person.jmbgSealed), owner: person.requireID().uuidString).digits
            // Low: no registry data on the page.
            let low = try await signOn.startSession(SignIn(accountID: family.account, level: .low, methods: ["pwd"], authenticatedAt: clock.now))
            #expect(try await !Self.page(app, low).0.contains("My data in the registry"))
            // Substantial: the data and the identification number, never the JMBG.
            let session = try await signOn.startSession(SignIn(accountID: family.account, level: .substantial, methods: ["pwd", "otp"], authenticatedAt: clock.now))
            let (body, csrf, cookie) = try await Self.page(app, session)
            #expect(body.contains("My data in the registry") && body.contains(family.parent.identificationNumber) && body.contains("Njegoševa 5"))
            #expect(!body.contains(jmbg))
            // A fresh sign-in reveals it, audited.
            let shown = try await Self.reveal(app, session, csrf: try #require(csrf), cookie: try #require(cookie))
            #expect(shown.0 == .ok && shown.1.contains(jmbg))
            let audited = try await app.db.sql.raw("SELECT actor FROM audit_entries WHERE action = 'person.jmbg-revealed' AND object_id = \(bind: person.requireID().uuidString)").all()
            #expect(try audited.map { try $0.decode(column: "actor", as: String.self) } == ["account:" + family.account])
            // Six minutes later the same session is not fresh: refused, and nothing more is audited.
            clock.advance(360)
            let stale = try await Self.reveal(app, session, csrf: csrf!, cookie: cookie!)
            #expect(stale.0 == .forbidden && !stale.1.contains(jmbg))
            let after = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_entries WHERE action = 'person.jmbg-revealed' AND object_id = \(bind: person.requireID().uuidString)").first()!
            #expect(try after.decode(column: "n", as: Int.self) == 1)
        }
    }

    /// The card on the account page: its certificates with their status now, and the way to activate a delivered card.
    @Test func myCardShowsItsCertificatesAndTheNextStep() async throws {
        try await TestInstallation.make(.sqlite).withApp { app in
            try await TrustFixtures.initialize(app)
            let card = try await CardIssuanceTests.issue(app)
            let person = try #require(try await PersonModel.query(on: app.db).filter(\.$identificationNumber == card.view.identificationNumber).first())
            let signOn = app.licna.signOn(on: app.db)
            let account = try await signOn.cardAccount(.init(personID: try person.requireID(), cardNumber: card.view.cardNumber ?? "", level: .high),
                                                       passwordAccount: nil, context: .test)
            let session = try await signOn.startSession(SignIn(accountID: account, level: .high, methods: ["sc"], authenticatedAt: Date()))
            let delivered = try await Self.page(app, session).0
            #expect(delivered.contains("Certificate for signing in: valid until") && delivered.contains("suspended (until the card is activated"))
            #expect(delivered.contains("Activate it with the PIN from your envelope"))
            let cards = app.licna.cards(on: app.db)
            let nonce = try await cards.nonce(for: CardIssuanceTests.nonceRequest(card), purpose: .activation)
            _ = try await cards.present(try CardIssuanceTests.proof(card, nonce: nonce.nonce), purpose: .activation, context: .test)
            let active = try await Self.page(app, session).0
            #expect(active.contains("Certificate for signing in: valid until") && active.contains(", in force") && !active.contains("Activate it with"))
            // Accounts and card applications name persons alike (card applications once used lowercase): the tracker
            // and the statistics find the card (they once missed it, and counted no account at high).
            let entries = try await app.licna.dataTracker(on: app.db).entries(personID: try person.requireID().uuidString, accountIDs: [account])
            #expect(entries.contains { $0.action == AuditAction.cardActivate.rawValue } && entries.contains { $0.action == AuditAction.cardApply.rawValue })
            #expect(try await app.licna.portalStatistics(on: app.db).statistics().accountsByLevel["high"] == 1)
        }
    }
}
