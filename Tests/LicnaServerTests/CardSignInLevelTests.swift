import Foundation
import LicnaPKI
import LicnaCore
import LicnaIdentityProvider
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// Issue 13, acceptance: the level of a card sign-in follows the card (eIDAS 2015/1502 §2.2.1, protection against
/// duplication): high only for a chip whose model is a configured certified one (its key attestation chained to it at
/// personalization); a virtual card is substantial, or high only on a development installation; a card whose chip
/// was not recorded is substantial.
@Suite struct CardSignInLevelTests {
    func record(_ app: Application, card: String, model: String) async throws {
        try await app.db.sql.insert(into: CardChipsTable.table).columns(CardChipsTable.cardNumber, CardChipsTable.model, CardChipsTable.serial,
                                                                          CardChipsTable.recordedAt)
            .values(SQLBind(card), SQLBind(model), SQLBind("serial-" + card), SQLBind(Int64(0))).run()
    }

    @Test(arguments: TestEngine.available)
    func aProductionInstallationGivesHighOnlyToCertifiedModels(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(trust: TrustConfiguration(qscdModels: ["ACME eID 3": []])) { app in
            try await TrustFixtures.initialize(app, development: false)
            try await record(app, card: "000000001", model: "ACME eID 3")
            try await record(app, card: "000000002", model: CardManufacturer.virtualCardModel)
            try await record(app, card: "000000003", model: "Unlisted eID 1")
            let cards = app.licna.cards(on: app.db)
            #expect(try await cards.level(cardNumber: "000000001") == .high)
            #expect(try await cards.level(cardNumber: "000000002") == .substantial)
            #expect(try await cards.level(cardNumber: "000000003") == .substantial)
            #expect(try await cards.level(cardNumber: "000000009") == .substantial)
            #expect(try await cards.level(cardNumber: nil) == .substantial)
        }
    }

    @Test func aVirtualCardIsHighOnlyOnADevelopmentInstallation() async throws {
        // Accepting development cards with a real (not development) hierarchy still gives substantial.
        try await TestInstallation.make(.sqlite).withApp(trust: TrustConfiguration(acceptsDevelopmentCards: true)) { app in
            try await TrustFixtures.initialize(app, development: false)
            try await record(app, card: "000000002", model: CardManufacturer.virtualCardModel)
            #expect(try await app.licna.cards(on: app.db).level(cardNumber: "000000002") == .substantial)
        }
        try await TestInstallation.make(.sqlite).withApp(trust: TrustConfiguration(acceptsDevelopmentCards: true)) { app in
            try await TrustFixtures.initialize(app, development: true)
            try await record(app, card: "000000002", model: CardManufacturer.virtualCardModel)
            #expect(try await app.licna.cards(on: app.db).level(cardNumber: "000000002") == .high)
        }
    }
}
