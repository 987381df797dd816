import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// Every table names a person as `UUID.uuidString` (uppercase). Card applications once wrote it in lowercase, and the
/// account page, the data tracker and the statistics compared in lowercase to find them; `UppercaseCardApplicationPersonIDs`
/// rewrites the rows of such a database at start, and a restore those of such a backup, so that plain comparisons meet.
@Suite struct PersonIDFormTests {
    /// The stored `card_applications.person_id` of every application, oldest first.
    static func storedPersonIDs(_ database: any Database) async throws -> [String] {
        try await database.sql.select().column(CardApplicationsTable.personID).from(CardApplicationsTable.table)
            .orderBy(CardApplicationsTable.submittedAt.name, .ascending).all()
            .map { try $0.decode(column: CardApplicationsTable.personID.name, as: String.self) }
    }

    /// Turns the database into one an earlier version left: card applications in lowercase, and this migration not
    /// yet run (the next start runs it).
    static func makeOld(_ database: any Database) async throws {
        typealias Cards = CardApplicationsTable
        try await database.sql.raw("UPDATE \(Cards.table) SET \(Cards.personID) = LOWER(\(Cards.personID))").run()
        try await database.sql.raw("DELETE FROM _fluent_migrations WHERE name = \(bind: UppercaseCardApplicationPersonIDs().name)").run()
    }

    /// A second application for the person is refused because the card in use is found under the same id.
    static func expectOneCardInUse(_ app: Application, identificationNumber: String) async throws {
        do {
            _ = try await app.licna.cards(on: app.db).apply(identificationNumber: identificationNumber, photo: nil, language: "en",
                                                            contractAccepted: true, context: .test)
            Issue.record("a second application was accepted while a card is in use")
        } catch let error as CardIssuanceError {
            #expect(error.code == .cardOpenApplication)
        }
    }

    @Test func newApplicationsNameThePersonInUppercase() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            let birth = BirthRegistration(givenName: "Mila", surname: "Vuković", birthDate: app.licna.configuration.clock.today.adding(years: -30),
                                          birthPlace: "Bar", sex: .female, regionCode: 22, address: "Obala 2", municipality: "Bar")
            let person = try await app.licna.registry(on: app.db).registerBirth(birth, context: .test).person
            _ = try await app.licna.cards(on: app.db).apply(identificationNumber: person.identificationNumber, photo: nil, language: "en",
                                                            contractAccepted: true, context: .test)
            #expect(try await Self.storedPersonIDs(app.db) == [person.id.rawValue.uuidString])
        }
    }

    /// A database from before the migration: an activated card whose application names its holder in lowercase. With
    /// today's plain comparisons the account page, the tracker and the statistics miss it; after a restart (the
    /// migration runs) they find it, and the one-card-in-use check sees it.
    @Test(arguments: TestEngine.available)
    func anOldDatabaseIsRewrittenAtStart(engine: TestEngine) async throws {
        let installation = try await TestInstallation.make(engine)
        let (personID, identificationNumber, account) = try await installation.withAppResult { app in
            try await TrustFixtures.initialize(app)
            let card = try await CardIssuanceTests.issue(app)
            let cards = app.licna.cards(on: app.db)
            let nonce = try await cards.nonce(for: CardIssuanceTests.nonceRequest(card), purpose: .activation)
            _ = try await cards.present(try CardIssuanceTests.proof(card, nonce: nonce.nonce), purpose: .activation, context: .test)
            let person = try #require(try await PersonModel.query(on: app.db).filter(\.$identificationNumber == card.view.identificationNumber).first())
            let account = try await app.licna.signOn(on: app.db).cardAccount(.init(personID: try person.requireID(), cardNumber: card.view.cardNumber ?? "",
                                                                                  level: .high), passwordAccount: nil, context: .test)
            try await Self.makeOld(app.db)
            let personID = try person.requireID().uuidString
            #expect(try await Self.storedPersonIDs(app.db) == [personID.lowercased()])
            // What an earlier version's rows meant for today's queries: the card is missing everywhere.
            let session = try await app.licna.signOn(on: app.db).startSession(SignIn(accountID: account, level: .high, methods: ["sc"],
                                                                                    authenticatedAt: app.licna.configuration.clock.now))
            #expect(try await !AccountMineTests.page(app, session).0.contains("Certificate for signing in"))
            let entries = try await app.licna.dataTracker(on: app.db).entries(personID: personID, accountIDs: [account])
            #expect(!entries.contains { $0.action == AuditAction.cardApply.rawValue })
            #expect(try await app.licna.portalStatistics(on: app.db).statistics().accountsByLevel["high"] == 0)
            return (personID, card.view.identificationNumber, account)
        }
        try await installation.withApp { app in
            #expect(try await Self.storedPersonIDs(app.db) == [personID])
            let session = try await app.licna.signOn(on: app.db).startSession(SignIn(accountID: account, level: .high, methods: ["sc"],
                                                                                    authenticatedAt: app.licna.configuration.clock.now))
            let page = try await AccountMineTests.page(app, session).0
            #expect(page.contains("Certificate for signing in: valid until") && page.contains(", in force"))
            let entries = try await app.licna.dataTracker(on: app.db).entries(personID: personID, accountIDs: [account])
            #expect(entries.contains { $0.action == AuditAction.cardApply.rawValue } && entries.contains { $0.action == AuditAction.cardActivate.rawValue })
            #expect(try await app.licna.portalStatistics(on: app.db).statistics().accountsByLevel["high"] == 1)
            try await Self.expectOneCardInUse(app, identificationNumber: identificationNumber)
            // Run again (a second start), it changes nothing.
            try await UppercaseCardApplicationPersonIDs().prepare(on: app.db)
            #expect(try await Self.storedPersonIDs(app.db) == [personID])
        }
    }

    /// Reverting gives back the form the code before the migration writes and looks for; preparing again undoes that.
    @Test(arguments: TestEngine.available)
    func revertGivesBackTheEarlierForm(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            let birth = BirthRegistration(givenName: "Luka", surname: "Đurović", birthDate: app.licna.configuration.clock.today.adding(years: -50),
                                          birthPlace: "Kotor", sex: .male, regionCode: 22, address: "Stari grad 3", municipality: "Kotor")
            let person = try await app.licna.registry(on: app.db).registerBirth(birth, context: .test).person
            _ = try await app.licna.cards(on: app.db).apply(identificationNumber: person.identificationNumber, photo: nil, language: "en",
                                                            contractAccepted: true, context: .test)
            let id = person.id.rawValue.uuidString
            try await UppercaseCardApplicationPersonIDs().revert(on: app.db)
            #expect(try await Self.storedPersonIDs(app.db) == [id.lowercased()])
            try await UppercaseCardApplicationPersonIDs().prepare(on: app.db)
            #expect(try await Self.storedPersonIDs(app.db) == [id])
        }
    }

    /// A backup made before the migration holds lowercase ids; the restored installation has them in uppercase.
    @Test(arguments: TestEngine.available)
    func aBackupFromBeforeRestoresInUppercase(engine: TestEngine) async throws {
        let source = try await TestInstallation.make(engine)
        let lines = Lines()
        let (personID, identificationNumber) = try await source.withAppResult(http: false) { app in
            let birth = BirthRegistration(givenName: "Sara", surname: "Popović", birthDate: app.licna.configuration.clock.today.adding(years: -25),
                                          birthPlace: "Nikšić", sex: .female, regionCode: 21, address: "Trg 4", municipality: "Nikšić")
            let person = try await app.licna.registry(on: app.db).registerBirth(birth, context: .test).person
            _ = try await app.licna.cards(on: app.db).apply(identificationNumber: person.identificationNumber, photo: nil, language: "en",
                                                            contractAccepted: true, context: .test)
            try await Self.makeOld(app.db)
            _ = try await BackupService(database: app.db, masterKey: source.key, clock: app.licna.configuration.clock).backup { lines.append($0) }
            return (person.id.rawValue.uuidString, person.identificationNumber)
        }
        #expect(lines.texts.contains { $0.contains(personID.lowercased()) }, "the backup holds the earlier form")
        let target = try await TestInstallation.make(engine)
        try await TestInstallation(storage: target.storage, directory: target.directory, key: source.key).withApp(http: false) { app in
            _ = try await BackupService(database: app.db, masterKey: source.key, clock: app.licna.configuration.clock).restore(lines.reader)
            #expect(try await Self.storedPersonIDs(app.db) == [personID])
            let entries = try await app.licna.dataTracker(on: app.db).entries(personID: personID, accountIDs: [])
            #expect(entries.contains { $0.action == AuditAction.cardApply.rawValue })
            try await Self.expectOneCardInUse(app, identificationNumber: identificationNumber)
        }
    }
}
