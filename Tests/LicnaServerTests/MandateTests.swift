import Crypto
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import LicnaPortal
import Fluent
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// Issue 14, item 6: acting for someone else. A mandate is signed with the grantor's card over its own statement,
/// lets the proxy request exactly its services' documents for exactly its period, shows in both data trackers and
/// ends when withdrawn; every forged, replayed, stale or misdirected signature is refused and leaves nothing. An
/// officer who issues a document for a citizen at a service point is shown to them as having assisted.
@Suite struct MandateTests {
    struct Setting {
        let card: CardIssuanceTests.IssuedCard
        let grantorID: String
        let grantorAccount: String
        let proxy: PersonView
        let proxyAccount: String
        let origin: String
    }

    /// Jelena (40, an activated card, an account), and Ivo (an adult, an account).
    static func setting(_ app: Application) async throws -> Setting {
        try await TrustFixtures.initialize(app, organizationIdentifier: "NTRME-02012345")
        let cards = app.licna.cards(on: app.db)
        let card = try await CardIssuanceTests.issue(app)
        let nonce = try await cards.nonce(for: CardIssuanceTests.nonceRequest(card), purpose: .activation)
        _ = try await cards.present(try CardIssuanceTests.proof(card, nonce: nonce.nonce), purpose: .activation, context: .test)
        let grantor = try #require(try await PersonModel.query(on: app.db).filter(\.$identificationNumber == card.view.identificationNumber).first())
        let grantorID = try grantor.requireID()
        let signOn = app.licna.signOn(on: app.db)
        let grantorAccount = try await signOn.cardAccount(.init(personID: grantorID, cardNumber: card.view.cardNumber ?? "", level: .high),
                                                          passwordAccount: nil, context: .test)
        let proxy = try await app.licna.registry(on: app.db).registerBirth(
            BirthRegistration(givenName: "Ivo", surname: "Đurović", surnameCyrillic: "Ђуровић", birthDate: CivilDate(year: 1970, month: 3, day: 4)!,
                              birthPlace: "Bar", sex: .male, regionCode: 21, address: "Obala 2", municipality: "Bar"), context: .test).person
        let proxyAccount = try await signOn.cardAccount(.init(personID: proxy.id.rawValue, cardNumber: "ME-PROXY", level: .high), passwordAccount: nil, context: .test)
        return Setting(card: card, grantorID: grantorID.uuidString, grantorAccount: grantorAccount, proxy: proxy, proxyAccount: proxyAccount,
                       origin: try await cards.origin())
    }

    /// Drafts, has the grantor's card sign and registers a mandate.
    static func give(_ app: Application, _ setting: Setting, services: [String], days: Int = 30) async throws -> String {
        let mandates = app.licna.mandates(on: app.db)
        let draft = try await mandates.draft(accountID: setting.grantorAccount, proxyNumber: setting.proxy.identificationNumber, proxySurname: "ђуровић",
                                             services: services, days: days)
        let nonce = try await mandates.nonce(for: draft, accountID: setting.grantorAccount)
        let token = try CardIssuanceTests.token(setting.card.authenticationKey, setting.card.authentication, origin: setting.origin, nonce: nonce.nonce)
        return try await mandates.grant(draft, token: token, accountID: setting.grantorAccount)
    }

    static func count(_ app: Application) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM mandates").first()!.decode(column: "n", as: Int.self)
    }

    @Test(arguments: TestEngine.available)
    func aSignedMandateLetsTheProxyActForItsServicesUntilWithdrawn(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            let setting = try await Self.setting(app)
            let id = try await Self.give(app, setting, services: ["residence-certificate"])
            let documents = app.licna.documents(on: app.db)
            // The proxy may ask for the grantor's certificate of residence, and only that.
            let residence = try await documents.subjects(accountID: setting.proxyAccount, type: .residenceCertificate)
            #expect(residence.first { $0.personID == setting.grantorID }?.mandateID == id)
            let birth = try await documents.subjects(accountID: setting.proxyAccount, type: .birthCertificate)
            #expect(!birth.contains { $0.personID == setting.grantorID })
            let proxySignIn = DocumentIssuanceTests.signIn(setting.proxyAccount, .substantial)
            let document = try await documents.request(.residenceCertificate, personID: setting.grantorID, signIn: proxySignIn, locale: ServiceLocale.page("en"))
            await #expect(throws: DocumentIssuanceError.self) {
                try await documents.request(.birthCertificate, personID: setting.grantorID, signIn: proxySignIn, locale: ServiceLocale.page("en"))
            }
            // The grantor sees the document among theirs, and the proxy's request in their tracker, under the mandate.
            #expect(try await documents.documents(accountID: setting.grantorAccount).map(\.id) == [document])
            let tracker = app.licna.dataTracker(on: app.db)
            let grantorEntries = try await tracker.entries(personID: setting.grantorID, accountIDs: [setting.grantorAccount])
            let issued = try #require(grantorEntries.first { $0.action == AuditAction.documentIssue.rawValue })
            #expect(issued.actor == "account:" + setting.proxyAccount && issued.detail?.hasSuffix("mandate " + id) == true)
            #expect(grantorEntries.contains { $0.action == AuditAction.mandateGrant.rawValue && $0.objectID == id })
            // The proxy's tracker shows the mandate given to them.
            let proxyEntries = try await tracker.entries(personID: setting.proxy.id.rawValue.uuidString, accountIDs: [setting.proxyAccount])
            #expect(proxyEntries.contains { $0.action == AuditAction.mandateGrant.rawValue })
            // The statement and the token are kept; the token verifies over the nonce that ends with the statement's hash.
            let row = try #require(try await app.db.sql.raw("SELECT statement, card_number FROM mandates WHERE id = \(bind: id)").first())
            let statement = try row.decode(column: "statement", as: String.self)
            #expect(statement.contains("services: residence-certificate") && statement.contains(setting.proxy.identificationNumber))

            // Withdrawn: the proxy can no longer act; withdrawing again, or by a stranger, is refused.
            let mandates = app.licna.mandates(on: app.db)
            try await mandates.revoke(id, accountID: setting.grantorAccount)
            #expect(try await documents.subjects(accountID: setting.proxyAccount, type: .residenceCertificate).allSatisfy { $0.mandateID == nil })
            await #expect(throws: DocumentIssuanceError.self) {
                try await documents.request(.residenceCertificate, personID: setting.grantorID, signIn: proxySignIn, locale: ServiceLocale.page("en"))
            }
            let again = await #expect(throws: DocumentIssuanceError.self) { try await mandates.revoke(id, accountID: setting.grantorAccount) }
            #expect(again?.code == .mandateRevoked)
            let stranger = try await app.licna.signOn(on: app.db).addAccount(email: "s@test.licna.me", password: nil, emailVerified: true, context: .test)
            let second = try await Self.give(app, setting, services: ["birth-certificate"])
            let foreign = await #expect(throws: DocumentIssuanceError.self) { try await mandates.revoke(second, accountID: stranger) }
            #expect(foreign?.code == .mandateNotFound)
            // The proxy may renounce one given to them.
            try await mandates.revoke(second, accountID: setting.proxyAccount)
            let given = try await mandates.mandates(personID: setting.grantorID).given
            #expect(given.map(\.revokedBy) == ["proxy", "grantor"] || given.map(\.revokedBy) == ["grantor", "proxy"])
        }
    }

    @Test func aMandateEndsOnItsDay() async throws {
        let clock = AdjustableWallClock()
        try await TestInstallation.make(.sqlite).withApp(clock: clock, http: false) { app in
            let setting = try await Self.setting(app)
            _ = try await Self.give(app, setting, services: ["citizenship-certificate"], days: 2)
            let documents = app.licna.documents(on: app.db)
            clock.advance(2 * 86_400 - 60)
            #expect(try await documents.subjects(accountID: setting.proxyAccount, type: .citizenshipCertificate).contains { $0.mandateID != nil })
            clock.advance(120)
            #expect(try await documents.subjects(accountID: setting.proxyAccount, type: .citizenshipCertificate).allSatisfy { $0.mandateID == nil })
        }
    }

    /// Attacks on the signature: a token for another statement, a replay, another origin, another person's card, a
    /// sign-in token, garbage. Each is refused and no mandate is registered.
    @Test func forgedReplayedAndMisdirectedSignaturesAreRefused() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            let setting = try await Self.setting(app)
            let mandates = app.licna.mandates(on: app.db)
            func draft(_ services: [String]) async throws -> MandateService.Draft {
                try await mandates.draft(accountID: setting.grantorAccount, proxyNumber: setting.proxy.identificationNumber, proxySurname: "Durovic",
                                         services: services, days: 30)
            }
            func token(_ nonce: String, origin: String? = nil) throws -> CardSignedToken {
                try CardIssuanceTests.token(setting.card.authenticationKey, setting.card.authentication, origin: origin ?? setting.origin, nonce: nonce)
            }
            let narrow = try await draft(["residence-certificate"])
            let wide = try await draft(["birth-certificate", "citizenship-certificate", "residence-certificate"])
            // Signed for the narrow statement, presented with the wide one.
            let signed = try token(try await mandates.nonce(for: narrow, accountID: setting.grantorAccount).nonce)
            await #expect(throws: CardIssuanceError.self) { try await mandates.grant(wide, token: signed, accountID: setting.grantorAccount) }
            // The nonce was spent by that attempt: the honest statement now fails too (never tried twice).
            await #expect(throws: CardIssuanceError.self) { try await mandates.grant(narrow, token: signed, accountID: setting.grantorAccount) }
            // Replay of a good one.
            let good = try token(try await mandates.nonce(for: narrow, accountID: setting.grantorAccount).nonce)
            _ = try await mandates.grant(narrow, token: good, accountID: setting.grantorAccount)
            await #expect(throws: CardIssuanceError.self) { try await mandates.grant(narrow, token: good, accountID: setting.grantorAccount) }
            // Another origin.
            let phished = try token(try await mandates.nonce(for: narrow, accountID: setting.grantorAccount).nonce, origin: "https://evil.example")
            await #expect(throws: CardIssuanceError.self) { try await mandates.grant(narrow, token: phished, accountID: setting.grantorAccount) }
            // Another person's activated card signing the grantor's statement.
            let other = try await CardIssuanceTests.issue(app)
            let cards = app.licna.cards(on: app.db)
            let activation = try await cards.nonce(for: CardIssuanceTests.nonceRequest(other), purpose: .activation)
            _ = try await cards.present(try CardIssuanceTests.proof(other, nonce: activation.nonce), purpose: .activation, context: .test)
            let foreignNonce = try await mandates.nonce(for: narrow, accountID: setting.grantorAccount).nonce
            let foreign = try CardIssuanceTests.token(other.authenticationKey, other.authentication, origin: setting.origin, nonce: foreignNonce)
            let refused = await #expect(throws: DocumentIssuanceError.self) { try await mandates.grant(narrow, token: foreign, accountID: setting.grantorAccount) }
            #expect(refused?.code == .mandateCard)
            // A sign-in nonce is of another purpose; a nonce issued to another account is not this one's.
            let signIn = try await cards.signInNonce(binding: "x")
            await #expect(throws: CardIssuanceError.self) { try await mandates.grant(narrow, token: try token(signIn.nonce), accountID: setting.grantorAccount) }
            let elsewhere = try await mandates.nonce(for: narrow, accountID: setting.proxyAccount)
            await #expect(throws: CardIssuanceError.self) { try await mandates.grant(narrow, token: try token(elsewhere.nonce), accountID: setting.grantorAccount) }
            // Garbage in every field of the token.
            _ = try await mandates.nonce(for: narrow, accountID: setting.grantorAccount)
            let garbage = CardSignedToken(unverifiedCertificate: "////", algorithm: "ES256", signature: "AA==", appVersion: "x")
            await #expect(throws: (any Error).self) { try await mandates.grant(narrow, token: garbage, accountID: setting.grantorAccount) }
            #expect(try await Self.count(app) == 1)
        }
    }

    /// What the form may ask for: the checks before anything is signed, each with its own code.
    @Test func draftsAreChecked() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            let setting = try await Self.setting(app)
            let mandates = app.licna.mandates(on: app.db)
            let minor = try await app.licna.registry(on: app.db).registerBirth(
                BirthRegistration(givenName: "Mila", surname: "Perić", birthDate: app.licna.configuration.clock.today.adding(years: -10), birthPlace: "Bar",
                                  sex: .female, regionCode: 21, address: "Obala 2", municipality: "Bar"), context: .test).person
            let number = setting.proxy.identificationNumber
            func code(_ number: String, _ surname: String = "Đurović", services: [String] = ["birth-certificate"], days: Int = 30,
                      from: Date? = nil) async -> ErrorCode? {
                do {
                    _ = try await mandates.draft(accountID: setting.grantorAccount, proxyNumber: number, proxySurname: surname, services: services,
                                                 days: days, validFrom: from)
                    return nil
                } catch let error as DocumentIssuanceError { return error.code } catch { return ErrorCode("other") }
            }
            #expect(await code(number) == nil)
            for spelling in ["DJUROVIC", "ЂУРОВИЋ", " đurović ", "Durovic"] {
                let result = await code(number, spelling)
                #expect(result == nil, "\(spelling)")
            }
            #expect(await code(number, "Jurović") == .mandateProxyUnknown)
            #expect(await code(number, "") == .mandateProxyUnknown)
            #expect(await code("123456789") == .mandateProxyUnknown)
            #expect(await code("١٢٣٤٥٦٧٨٩") == .mandateProxyUnknown)  // Arabic-Indic digits are not an identification number
            #expect(await code(setting.card.view.identificationNumber, "Šćekić") == .mandateSelf)
            #expect(await code(minor.identificationNumber, "Perić") == .mandateNotAdult)
            #expect(await code(number, services: []) == .mandateServices)
            #expect(await code(number, services: ["passport"]) == .mandateServices)
            #expect(await code(number, days: 0) == .mandateDuration)
            #expect(await code(number, days: 367) == .mandateDuration)
            #expect(await code(number, from: Date(timeIntervalSinceNow: -3_600)) == .mandateExpired)
            #expect(await code(number, from: Date(timeIntervalSinceNow: 3_600)) == .mandateExpired)
        }
    }

    /// The pages: the list, the form's errors, the signing page with its nonce and statement, and the grant through
    /// the form; then the officer at a service point, whom the citizen's tracker names as assisting.
    @Test func thePagesAndTheOfficerAtTheServicePoint() async throws {
        try await TestInstallation.make(.sqlite).withApp { app in
            let setting = try await Self.setting(app)
            let signOn = app.licna.signOn(on: app.db)
            let session = try await signOn.startSession(SignIn(accountID: setting.grantorAccount, level: .high, methods: ["sc"], authenticatedAt: Date()))
            let (status, page, headers) = try await DataTrackerTests.get(app, "/account/mandates?lang=en", session: session)
            #expect(status == .ok && page.contains("Give a new mandate"))
            let cookie = try #require(headers.setCookie?[MandateController.formCookie]?.string)
            let csrf = try #require(page.firstMatch(of: #/name="csrf" value="([^"]+)"/#)?.output.1)
            let cookies = [SignOnController.sessionCookieName: session, MandateController.formCookie: cookie]
            // A wrong surname: the form again, with the message and what was typed.
            let (wrong, wrongPage) = try await DataTrackerTests.post(app, "/account/mandates/draft?lang=en",
                                                                     form: ["csrf": String(csrf), "proxy": setting.proxy.identificationNumber, "surname": "Jurović",
                                                                            "service.residence-certificate": "on", "days": "30"], cookies: cookies)
            #expect(wrong == .badRequest && wrongPage.contains("No person has this identification number and surname") && wrongPage.contains("Jurović"))
            // The signing page: the names, the statement, a nonce that ends with its hash, and the agent allowed by the CSP.
            var signing = ""
            var signingCookie = ""
            try await app.testing().test(.POST, "/account/mandates/draft?lang=en", beforeRequest: { request in
                request.headers.cookie = HTTPCookies(dictionaryLiteral: (SignOnController.sessionCookieName, .init(string: session)),
                                                     (MandateController.formCookie, .init(string: cookie)))
                try request.content.encode(["csrf": String(csrf), "proxy": setting.proxy.identificationNumber, "surname": "Djurovic",
                                            "service.residence-certificate": "on", "days": "30"], as: .urlEncodedForm)
            }) { response in
                signing = String(buffer: response.body)
                signingCookie = response.headers.setCookie?[MandateController.formCookie]?.string ?? ""
                #expect(response.status == .ok)
                #expect(response.headers.first(name: "Content-Security-Policy")?.contains(app.licna.configuration.cardAgentURL) == true)
            }
            #expect(signing.contains("Ivo Đurović") && signing.contains("Licna mandate 1"))
            let nonce = try #require(signing.firstMatch(of: #/data-nonce="([^"]+)"/#)?.output.1)
            let statement = try #require(signing.firstMatch(of: #/<pre>([^<]+)</pre>/#)?.output.1)
            let unescaped = String(statement).replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
            #expect(Data(base64Encoded: String(nonce))?.suffix(32) == Data(SHA256.hash(data: Data(unescaped.utf8))))
            let from = try #require(signing.firstMatch(of: #/name="from" value="(\d+)"/#)?.output.1)
            let signCSRF = try #require(signing.firstMatch(of: #/name="csrf" value="([^"]+)"/#)?.output.1)
            let token = try CardIssuanceTests.token(setting.card.authenticationKey, setting.card.authentication, origin: setting.origin, nonce: String(nonce))
            let (granted, _) = try await DataTrackerTests.post(app, "/account/mandates?lang=en",
                                                               form: ["csrf": String(signCSRF), "proxy": setting.proxy.identificationNumber, "surname": "Djurovic",
                                                                      "service.residence-certificate": "on", "days": "30", "from": String(from),
                                                                      "token": String(decoding: try JSONEncoder().encode(token), as: UTF8.self)],
                                                               cookies: [SignOnController.sessionCookieName: session, MandateController.formCookie: signingCookie])
            #expect(granted == .seeOther || granted == .found)
            let (_, list, _) = try await DataTrackerTests.get(app, "/account/mandates?lang=en&done=granted", session: session)
            #expect(list.contains("The mandate is signed and in force.") && list.contains("Ivo Đurović") && list.contains("In force"))
            let (_, account, _) = try await DataTrackerTests.get(app, "/account?lang=en", session: session)
            #expect(account.contains("Ivo Đurović may act for you until"))
            // The proxy's request form offers the grantor.
            let proxySession = try await signOn.startSession(SignIn(accountID: setting.proxyAccount, level: .high, methods: ["sc"], authenticatedAt: Date()))
            let (_, form, _) = try await DataTrackerTests.get(app, "/documents/request/residence-certificate?lang=en", session: proxySession)
            #expect(form.contains("(by their mandate)") && form.contains(setting.grantorID))

            // The officer at a service point: no basis, or no presence, is refused; then the document is the citizen's.
            let registrar = try await officerToken(app, email: "desk@test.licna.me", roles: [.registrar])
            var assistPage = ""
            var assistCookie = ""
            try await app.testing().test(.GET, "/officer/assist?lang=en", headers: ["Authorization": "Bearer \(registrar)"]) { response in
                assistPage = String(buffer: response.body)
                assistCookie = response.headers.setCookie?[AssistedServiceController.formCookie]?.string ?? ""
            }
            let assistCSRF = try #require(assistPage.firstMatch(of: #/name="csrf" value="([^"]+)"/#)?.output.1)
            func assist(_ fields: [String: String]) async throws -> (HTTPStatus, String) {
                var result: (HTTPStatus, String) = (.ok, "")
                try await app.testing().test(.POST, "/officer/assist?lang=en", beforeRequest: { request in
                    request.headers.bearerAuthorization = BearerAuthorization(token: registrar)
                    request.headers.cookie = [AssistedServiceController.formCookie: .init(string: assistCookie)]
                    try request.content.encode(fields.merging(["csrf": String(assistCSRF)]) { $1 }, as: .urlEncodedForm)
                }) { result = ($0.status, String(buffer: $0.body)) }
                return result
            }
            let base = ["identificationNumber": setting.card.view.identificationNumber, "type": "citizenship-certificate", "locale": "sr-Cyrl"]
            let documentsBefore = try await DocumentIssuanceTests.count(app)
            #expect(try await assist(base.merging(["present": "on"]) { $1 }).0 == .badRequest)
            #expect(try await assist(base.merging(["purpose": "identity-document"]) { $1 }).0 == .badRequest)
            #expect(try await DocumentIssuanceTests.count(app) == documentsBefore)
            let (issuedStatus, issuedPage) = try await assist(base.merging(["purpose": "identity-document", "reference": "77/2026", "present": "on"]) { $1 })
            #expect(issuedStatus == .ok && issuedPage.contains("assist-issued"), "\(issuedPage)")
            let documentID = try #require(issuedPage.firstMatch(of: #/officer/assist/([A-Za-z0-9_-]{22})/pdf/#)?.output.1)
            var pdfStatus = HTTPStatus.ok
            var pdfBytes = ""
            try await app.testing().test(.GET, "/officer/assist/\(documentID)/pdf", headers: ["Authorization": "Bearer \(registrar)"]) {
                pdfStatus = $0.status
                pdfBytes = String(buffer: $0.body)
            }
            #expect(pdfStatus == .ok && pdfBytes.hasPrefix("%PDF-"))
            // Another officer cannot print it.
            let other = try await officerToken(app, email: "other@test.licna.me", roles: [.registrar])
            try await app.testing().test(.GET, "/officer/assist/\(documentID)/pdf", headers: ["Authorization": "Bearer \(other)"]) {
                #expect($0.status == .notFound)
            }
            // The citizen sees it among their documents and, in the tracker, the officer's role, the basis and "assisted".
            #expect(try await app.licna.documents(on: app.db).documents(accountID: setting.grantorAccount).contains { $0.id == documentID })
            let (_, tracker, _) = try await DataTrackerTests.get(app, "/account/data-log?lang=en", session: session)
            #expect(tracker.contains("Registrar — assisted you at a service point") && tracker.contains("77/2026"), "\(tracker)")
        }
    }
}
