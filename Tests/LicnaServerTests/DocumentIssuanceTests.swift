import Crypto
import Foundation
import LicnaBasics
import LicnaCore
import LicnaDocuments
import LicnaIdentityProvider
import LicnaPortal
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// Issue 14, item 3: documents on request, sealed and registered, verified by anyone from their address, revoked by
/// an officer; and the refusals that change nothing.
@Suite struct DocumentIssuanceTests {
    struct Family {
        let parent: PersonView
        let child: PersonView
        let stranger: PersonView
        let account: String
    }

    static func family(_ app: Application) async throws -> Family {
        let registry = app.licna.registry(on: app.db)
        func born(_ given: String, _ year: Int) async throws -> PersonView {
            try await registry.registerBirth(BirthRegistration(givenName: given, surname: "Vuković", surnameCyrillic: "Вуковић",
                                                                birthDate: CivilDate(year: year, month: 3, day: 14)!, birthPlace: "Nikšić", sex: .female,
                                                                regionCode: 26, address: "Njegoševa 5", municipality: "Nikšić"), context: .test).person
        }
        let parent = try await born("Jelena", 1988)
        let child = try await born("Mila", 2019)
        let stranger = try await born("Sara", 2018)
        try await app.licna.documents(on: app.db).linkParent(child: child.id.rawValue, parent: parent.id.rawValue, source: "test", context: .test)
        let signOn = app.licna.signOn(on: app.db)
        let account = try await signOn.addAccount(email: "jelena@test.licna.me", password: nil, emailVerified: true, context: .test)
        try await signOn.linkAccount(email: "jelena@test.licna.me", identificationNumber: parent.identificationNumber, context: .test)
        return Family(parent: parent, child: child, stranger: stranger, account: account)
    }

    static func signIn(_ account: String, _ level: LevelOfAssurance) -> SignIn {
        SignIn(accountID: account, level: level, methods: ["pwd", "otp"], authenticatedAt: Date())
    }

    static func count(_ app: Application) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM issued_documents").first()!.decode(column: "n", as: Int.self)
    }

    @Test(arguments: TestEngine.available)
    func aParentGetsASealedExtractForTheirChildThatAnyoneCanVerify(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp { app in
            try await TrustFixtures.initialize(app, organizationIdentifier: "NTRME-02012345")
            let family = try await Self.family(app)
            let documents = app.licna.documents(on: app.db)
            #expect(Set(try await documents.subjects(accountID: family.account).map(\.personID)) == [family.parent.id.rawValue.uuidString, family.child.id.rawValue.uuidString])
            let id = try await documents.request(.birthCertificate, personID: family.child.id.rawValue.uuidString,
                                                 signIn: Self.signIn(family.account, .substantial), locale: ServiceLocale.page("sr"))
            #expect(DocumentIssuanceService.isWellFormed(id))
            let (issued, pdf) = try await documents.download(id, accountID: family.account)
            #expect(issued.type == .birthCertificate && issued.locale == "sr-Cyrl")
            #expect(SHA256.hash(data: pdf).hexString == issued.sha256)
            // The seal validates with the installation's own trust anchor, offline (B-LT: everything is in the DSS).
            let file = try PDFFile(bytes: pdf)
            #expect(try file.documentSecurityStore() != nil)
            #expect(String(decoding: pdf.prefix(5), as: UTF8.self) == "%PDF-")
            // Verification: genuine; the page names the holder (the child), nothing more.
            let (verified, holder) = try #require(try await documents.verify(id))
            #expect(verified.revokedAt == nil && holder == "Mila Vuković")
            // The child's data tracker: the audit trail names the request, on the child's record.
            let audit = try await app.db.sql.raw("SELECT actor, purpose, object_id FROM audit_entries WHERE action = 'document.issue'").all()
            #expect(audit.count == 1)
            #expect(try audit[0].decode(column: "object_id", as: String.self) == family.child.id.rawValue.uuidString)
            #expect(try audit[0].decode(column: "actor", as: String.self) == "account:" + family.account)
            // Revoked by an officer: the verification says so, and a second revocation is refused.
            _ = try await documents.revoke(id, reason: "issued in error", context: .test)
            #expect(try await documents.verify(id)?.0.revokedAt != nil)
            await #expect(throws: DocumentIssuanceError.self) { try await documents.revoke(id, reason: "again", context: .test) }
        }
    }

    /// A sign-in below substantial, another person's child, an unlinked account and a made-up person are refused, and
    /// none leaves a document, a seal or an audit entry behind.
    @Test func refusedRequestsChangeNothing() async throws {
        try await TestInstallation.make(.sqlite).withApp { app in
            try await TrustFixtures.initialize(app, organizationIdentifier: "NTRME-02012345")
            let family = try await Self.family(app)
            let documents = app.licna.documents(on: app.db)
            let locale = ServiceLocale.page("cnr")
            let low = try await #require(throws: DocumentIssuanceError.self) {
                try await documents.request(.birthCertificate, personID: family.parent.id.rawValue.uuidString, signIn: Self.signIn(family.account, .low), locale: locale)
            }
            #expect(low.code == .documentLevel)
            let other = try await #require(throws: DocumentIssuanceError.self) {
                try await documents.request(.birthCertificate, personID: family.stranger.id.rawValue.uuidString, signIn: Self.signIn(family.account, .high), locale: locale)
            }
            #expect(other.code == .documentNotEntitled)
            let unlinked = try await app.licna.signOn(on: app.db).addAccount(email: "nobody@test.licna.me", password: nil, emailVerified: true, context: .test)
            let none = try await #require(throws: DocumentIssuanceError.self) {
                try await documents.request(.residenceCertificate, personID: family.parent.id.rawValue.uuidString, signIn: Self.signIn(unlinked, .high), locale: locale)
            }
            #expect(none.code == .documentUnlinked)
            #expect(try await Self.count(app) == 0)
            let entries = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_entries WHERE action IN ('document.issue', 'documents.seal')").first()!
            #expect(try entries.decode(column: "n", as: Int.self) == 0)
            // Someone else's document is not theirs to download, and reads as unknown.
            let id = try await documents.request(.citizenshipCertificate, personID: family.parent.id.rawValue.uuidString,
                                                 signIn: Self.signIn(family.account, .high), locale: locale)
            let foreign = try await #require(throws: DocumentIssuanceError.self) { try await documents.download(id, accountID: unlinked) }
            #expect(foreign.code == .documentNotFound)
        }
    }

    /// Counting through ids finds nothing: ids are 128 random bits, and a wrong or malformed one reads as unknown
    /// without a database read of anything else.
    @Test func guessedIdsFindNothing() async throws {
        try await TestInstallation.make(.sqlite).withApp { app in
            try await TrustFixtures.initialize(app, organizationIdentifier: "NTRME-02012345")
            let family = try await Self.family(app)
            let documents = app.licna.documents(on: app.db)
            let id = try await documents.request(.residenceCertificate, personID: family.parent.id.rawValue.uuidString,
                                                 signIn: Self.signIn(family.account, .substantial), locale: ServiceLocale.page("en"))
            var guesses = ["", "1", "AAAAAAAAAAAAAAAAAAAAAA", String(id.dropLast()) + (id.last == "A" ? "B" : "A"), id + "A", "../../etc/passwd", id.uppercased() == id ? id.lowercased() : id.uppercased()]
            for number in 0..<200 { guesses.append(String(format: "%022d", number)) }
            for guess in guesses where guess != id {
                #expect(try await documents.verify(guess) == nil, "\(guess)")
            }
            // Ids are unique and random.
            let ids = Set((0..<1000).map { _ in DocumentIssuanceService.newID() })
            #expect(ids.count == 1000 && ids.allSatisfy(DocumentIssuanceService.isWellFormed))
        }
    }

    /// The pages: the verification page is public and rate-limited, compares an uploaded file byte for byte, and
    /// says revoked after the officer's API revokes.
    @Test func theVerificationPageAndTheOfficersRevocation() async throws {
        // The installation's clock stands still, so the per-client limit refills by the clock, not by how slowly a
        // loaded machine answers (on a real clock, 40 requests over more than two seconds stay within the limit).
        let clock = AdjustableWallClock()
        try await TestInstallation.make(.sqlite).withApp(clock: clock) { app in
            try await TrustFixtures.initialize(app, organizationIdentifier: "NTRME-02012345")
            let family = try await Self.family(app)
            let documents = app.licna.documents(on: app.db)
            let id = try await documents.request(.birthCertificate, personID: family.parent.id.rawValue.uuidString,
                                                 signIn: Self.signIn(family.account, .high), locale: ServiceLocale.page("en"))
            let (_, pdf) = try await documents.download(id, accountID: family.account)
            try await app.testing().test(.GET, "/d/\(id)?lang=en") { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("Genuine and valid") && page.contains("Jelena Vuković"))
                #expect(!page.contains(family.parent.identificationNumber) && !page.contains("1988"))
            }
            try await app.testing().test(.POST, "/d/\(id)?lang=en", headers: ["Content-Type": "application/pdf"], body: ByteBuffer(bytes: pdf)) { response in
                #expect(String(buffer: response.body).contains("byte for byte the document issued"))
            }
            var altered = pdf
            altered[altered.count / 2] ^= 0x01
            try await app.testing().test(.POST, "/d/\(id)?lang=en", headers: ["Content-Type": "application/pdf"], body: ByteBuffer(bytes: altered)) { response in
                #expect(String(buffer: response.body).contains("is NOT the document issued"))
            }
            try await app.testing().test(.GET, "/d/AAAAAAAAAAAAAAAAAAAAAA?lang=en") { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("No document has this number"))
            }
            let token = try await officerToken(app)
            try await app.testing().test(.POST, "/api/documents/\(id)/revoke", headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                                         body: ByteBuffer(string: #"{"reason": ""}"#)) { response in
                #expect(response.status == .badRequest)
            }
            try await app.testing().test(.POST, "/api/documents/\(id)/revoke", headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                                         body: ByteBuffer(string: #"{"reason": "the register was corrected"}"#)) { response in
                #expect(response.status == .ok)
            }
            try await app.testing().test(.GET, "/d/\(id)?lang=en") { response in
                #expect(String(buffer: response.body).contains("Revoked"))
            }
            // Rate limit: a burst far above a person's checking is refused with 429.
            var statuses: [HTTPStatus] = []
            for _ in 0..<40 {
                try await app.testing().test(.GET, "/d/\(id)?lang=en") { statuses.append($0.status) }
            }
            #expect(statuses.contains(.tooManyRequests))
        }
    }

    /// Parent links: set at a birth registration (an unknown parent refuses the registration), and imported all or
    /// nothing (a bad line refuses the file and names the line).
    @Test(arguments: TestEngine.available)
    func parentLinksAtBirthAndByImport(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp { app in
            let family = try await Self.family(app)
            let registry = app.licna.registry(on: app.db)
            func registration(_ parents: [String]) -> BirthRegistration {
                BirthRegistration(givenName: "Luka", surname: "Vuković", birthDate: CivilDate(year: 2025, month: 1, day: 2)!, birthPlace: "Nikšić",
                                  sex: .male, regionCode: 26, address: "Njegoševa 5", municipality: "Nikšić", parents: parents)
            }
            let before = try await PersonModel.query(on: app.db).count()
            await #expect(throws: RegistryError.unknownParent) { try await registry.registerBirth(registration([IdentificationNumber.random()]), context: .test) }
            #expect(try await PersonModel.query(on: app.db).count() == before)
            let luka = try await registry.registerBirth(registration([family.parent.identificationNumber]), context: .test).person
            let subjects = try await app.licna.documents(on: app.db).subjects(accountID: family.account).map(\.personID)
            #expect(subjects.contains(luka.id.rawValue.uuidString) && subjects.contains(family.child.id.rawValue.uuidString))
            // An import with one unknown number links nobody.
            let links = "SELECT COUNT(*) AS n FROM person_parents"
            let linked = try await app.db.sql.raw(SQLQueryString(links)).first()!.decode(column: "n", as: Int.self)
            let bad = "child,parent\n\(family.stranger.identificationNumber),\(family.parent.identificationNumber)\n\(IdentificationNumber.random()),\(family.parent.identificationNumber)\n"
            let failure = try await #require(throws: ImportFailure.self) { try await registry.importParentLinks(csv: bad, context: .test) }
            #expect(failure.line == 3)
            #expect(try await app.db.sql.raw(SQLQueryString(links)).first()!.decode(column: "n", as: Int.self) == linked)
            await #expect(throws: ImportFailure.self) { try await registry.importParentLinks(csv: "kid;parent\n", context: .test) }
            await #expect(throws: ImportFailure.self) { try await registry.importParentLinks(csv: "child,parent\n123,456\n", context: .test) }
            let good = "child,parent\r\n\(family.stranger.identificationNumber),\(family.parent.identificationNumber)\r\n\(family.child.identificationNumber),\(family.parent.identificationNumber)\r\n"
            #expect(try await registry.importParentLinks(csv: good, context: .test) == 2)
            #expect(try await app.db.sql.raw(SQLQueryString(links)).first()!.decode(column: "n", as: Int.self) == linked + 1)
            let now = try await app.licna.documents(on: app.db).subjects(accountID: family.account).map(\.personID)
            #expect(now.contains(family.stranger.id.rawValue.uuidString))
        }
    }
}
