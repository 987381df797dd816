import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// Issue 14, item 4: who looked at my data. Officer reads name a legal basis (or are refused and leave nothing); the
/// person sees each read with the institution, the officer's role and the basis, exports them, asks why; the auditor
/// sees the question with the officer's identity and answers; mass lookups are flagged.
@Suite struct DataTrackerTests {
    static func get(_ app: Application, _ path: String, session: String? = nil, headers: HTTPHeaders = [:]) async throws -> (HTTPStatus, String, HTTPHeaders) {
        var result: (HTTPStatus, String, HTTPHeaders) = (.ok, "", [:])
        try await app.testing().test(.GET, path, beforeRequest: { request in
            request.headers = headers
            if let session { request.headers.cookie = [SignOnController.sessionCookieName: .init(string: session)] }
        }) { response in result = (response.status, String(buffer: response.body), response.headers) }
        return result
    }

    static func post(_ app: Application, _ path: String, form: [String: String], cookies: [String: String]) async throws -> (HTTPStatus, String) {
        var result: (HTTPStatus, String) = (.ok, "")
        try await app.testing().test(.POST, path, beforeRequest: { request in
            var jar = HTTPCookies()
            for (name, value) in cookies { jar[name] = .init(string: value) }
            request.headers.cookie = jar
            try request.content.encode(form, as: .urlEncodedForm)
        }) { response in result = (response.status, String(buffer: response.body)) }
        return result
    }

    static func search(_ app: Application, token: String, number: String, purpose: String?) async throws -> HTTPStatus {
        var status = HTTPStatus.ok
        var body = ["identificationNumber": number]
        if let purpose { body["purpose"] = purpose }
        try await app.testing().test(.POST, "api/registry/search", headers: ["Authorization": "Bearer \(token)"],
                                     beforeRequest: { try $0.content.encode(body) }) { status = $0.status }
        return status
    }

    static func reads(_ app: Application, _ personID: String) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_entries WHERE action = 'person.read' AND object_id = \(bind: personID)").first()!
            .decode(column: "n", as: Int.self)
    }

    @Test(arguments: TestEngine.available)
    func anOfficersReadIsShownAskedAboutAndAnswered(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp { app in
            try await TrustFixtures.initialize(app, organizationIdentifier: "NTRME-02012345")
            let family = try await DocumentIssuanceTests.family(app)
            let personID = family.parent.id.rawValue.uuidString
            let registrar = try await officerToken(app, email: "registrar@test.licna.me", roles: [.registrar])
            // No purpose, an unknown one, a free text: refused, and no read is recorded.
            for purpose in [nil, "", "curiosity", "test", " : 12"] as [String?] {
                #expect(try await Self.search(app, token: registrar, number: family.parent.identificationNumber, purpose: purpose) == .badRequest, "\(purpose ?? "nil")")
            }
            #expect(try await Self.reads(app, personID) == 0)
            #expect(try await Self.search(app, token: registrar, number: family.parent.identificationNumber, purpose: "identity-document: 12/2026") == .ok)
            #expect(try await Self.reads(app, personID) == 1)

            // The person (substantial) sees it: institution, role, basis and reference; not the officer's address.
            let signOn = app.licna.signOn(on: app.db)
            let session = try await signOn.startSession(SignIn(accountID: family.account, level: .substantial, methods: ["pwd", "otp"], authenticatedAt: Date()))
            let (status, page, headers) = try await Self.get(app, "/account/data-log?lang=en", session: session)
            #expect(status == .ok)
            #expect(page.contains("Your record was read") && page.contains("Licna Test — Registrar"), "\(page)")
            #expect(page.contains("Issuing an identity card, passport or driving licence (12/2026)"))
            #expect(!page.contains("registrar@test.licna.me"))
            let csrf = try #require(page.firstMatch(of: #/name="csrf" value="([^"]+)"/#)?.output.1)
            let entry = try #require(page.firstMatch(of: #/name="entry" value="(\d+)"/#)?.output.1)
            let cookie = try #require(headers.setCookie?[DataTrackerController.formCookie]?.string)

            // Exports.
            let (_, csv, csvHeaders) = try await Self.get(app, "/account/data-log.csv?lang=en", session: session)
            #expect(csvHeaders.contentType?.subType == "csv" && csv.hasPrefix("When,Who,What,") && csv.contains("Licna Test — Registrar"))
            let (_, pdf, pdfHeaders) = try await Self.get(app, "/account/data-log.pdf?lang=en", session: session)
            #expect(pdfHeaders.contentType?.subType == "pdf" && pdf.hasPrefix("%PDF-"))

            // A password alone (low) does not open the tracker.
            let low = try await signOn.startSession(SignIn(accountID: family.account, level: .low, methods: ["pwd"], authenticatedAt: Date()))
            #expect(try await Self.get(app, "/account/data-log?lang=en", session: low).0 == .forbidden)

            // Why? The question goes to the auditor with the officer's identity.
            let asked = try await Self.post(app, "/account/data-log/ask", form: ["csrf": String(csrf), "entry": String(entry), "question": "Which case is this?"],
                                            cookies: [SignOnController.sessionCookieName: session, DataTrackerController.formCookie: cookie])
            #expect(asked.0 == .seeOther || asked.0 == .found, "\(asked)")
            // Asking about an entry that is not the person's is refused.
            let other = try await app.db.sql.raw("SELECT id FROM audit_entries WHERE object_id = \(bind: family.stranger.id.rawValue.uuidString) LIMIT 1").first()!
                .decode(column: "id", as: Int64.self)
            await #expect(throws: DocumentIssuanceError.self) {
                try await app.licna.dataTracker(on: app.db).ask(auditID: other, personID: personID, accountID: family.account, text: "why?")
            }
            let auditor = try await officerToken(app, email: "auditor@test.licna.me", roles: [.auditor])
            let (auditorStatus, auditorPage, auditorHeaders) = try await Self.get(app, "/officer/data-questions?lang=en", headers: ["Authorization": "Bearer \(auditor)"])
            #expect(auditorStatus == .ok)
            #expect(auditorPage.contains("Which case is this?") && auditorPage.contains("officer:registrar@test.licna.me"), "\(auditorPage)")
            #expect(try await Self.get(app, "/officer/data-questions?lang=en", headers: ["Authorization": "Bearer \(registrar)"]).0 == .forbidden)
            let question = try #require(auditorPage.firstMatch(of: #/name="id" value="([^"]+)"/#)?.output.1)
            let auditorCSRF = try #require(auditorPage.firstMatch(of: #/name="csrf" value="([^"]+)"/#)?.output.1)
            let auditorCookie = try #require(auditorHeaders.setCookie?[DataTrackerController.formCookie]?.string)
            var answered = HTTPStatus.ok
            try await app.testing().test(.POST, "/officer/data-questions", beforeRequest: { request in
                request.headers.bearerAuthorization = BearerAuthorization(token: auditor)
                request.headers.cookie = [DataTrackerController.formCookie: .init(string: auditorCookie)]
                try request.content.encode(["csrf": String(auditorCSRF), "id": String(question), "answer": "Your ID card application 12/2026."], as: .urlEncodedForm)
            }) { answered = $0.status }
            #expect(answered == .seeOther || answered == .found)
            let (_, after, _) = try await Self.get(app, "/account/data-log?lang=en", session: session)
            #expect(after.contains("Which case is this?") && after.contains("Your ID card application 12/2026."))
            await #expect(throws: DocumentIssuanceError.self) {
                try await app.licna.dataTracker(on: app.db).answer(questionID: String(question), text: "again", auditor: "officer:x")
            }
            // The officer moves to the card desk: the read is still shown with the role held when it was made.
            try await signOn.setRoles(email: "registrar@test.licna.me", roles: [.cardOfficer], context: .test)
            let (_, moved, _) = try await Self.get(app, "/account/data-log?lang=en", session: session)
            #expect(moved.contains("Licna Test — Registrar") && !moved.contains("Licna Test — Card officer"), "\(moved)")
        }
    }

    /// An officer reading more records in an hour than the threshold is flagged; one below it is not.
    @Test func massLookupsAreFlagged() async throws {
        try await TestInstallation.make(.sqlite).withApp { app in
            let family = try await DocumentIssuanceTests.family(app)
            let busy = try await officerToken(app, email: "busy@test.licna.me", roles: [.registrar])
            let calm = try await officerToken(app, email: "calm@test.licna.me", roles: [.registrar])
            for person in [family.parent, family.child, family.stranger, family.parent, family.child] {
                #expect(try await Self.search(app, token: busy, number: person.identificationNumber, purpose: "tax") == .ok)
            }
            #expect(try await Self.search(app, token: calm, number: family.parent.identificationNumber, purpose: "tax") == .ok)
            let flags = try await app.licna.dataTracker(on: app.db).massLookups(threshold: 3)
            #expect(flags.map(\.actor) == ["officer:busy@test.licna.me"] && flags.first?.reads == 5)
            #expect(try await app.licna.dataTracker(on: app.db).massLookups(threshold: 5).isEmpty)
        }
    }
}
