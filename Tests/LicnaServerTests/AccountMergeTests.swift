import Fluent
import Foundation
import LicnaBasics
import LicnaCore
@testable import LicnaIdentityProvider
@testable import LicnaServer
import SQLKit
import Testing
import VaporTesting

/// Issue 13, item 4: two accounts of one person become one — the older id wins (so the pairwise `sub` values
/// relying parties know stay), the other is recorded as an alias, and nothing that signs the person in is lost.
@Suite struct AccountMergeTests {
    @Test(arguments: TestEngine.available)
    func anOfficersLinkMergesTheCardAccountAndTheOlderIdWins(engine: TestEngine) async throws {
        let clock = AdjustableWallClock()
        try await TestInstallation.make(engine).withApp(clock: clock, demo: true) { app in
            let signOn = app.licna.signOn(on: app.db)
            let number = try #require(try await DemoCitizens.identificationNumbers(app)["Marko Petrović"])
            let person = try #require(try await PersonModel.query(on: app.db).filter(\.$identificationNumber == number).first()?.id)
            let client = try await signOn.registerClient(name: "Portal", redirectURIs: ["https://portal.example.me/cb"], kind: .public, context: .test)
            let sector = try #require(try await signOn.clients().first { $0.id == client.clientID }?.sectorIdentifier)

            // First an eID sign-in made an account without email; a relying party knows its pairwise sub.
            let card = try await signOn.cardAccount(.init(personID: person, cardNumber: "ME0000001", level: .high), passwordAccount: nil, context: .test)
            try await signOn.rememberConsent(accountID: card, clientID: client.clientID, claims: ["given_name"])
            let pairwise = try await signOn.provider().pairwise
            let knownSub = pairwise.subject(accountID: card, sector: sector)

            // Later the person registered with an email, a password and an authenticator, and made an officer token.
            clock.advance(3600)
            let email = try await signOn.addAccount(email: "marko@test.licna.me", password: "correct horse battery", emailVerified: true, context: .test)
            let uri = try await signOn.enrollAuthenticator(email: "marko@test.licna.me", issuer: "Licna", context: .test)
            try await signOn.rememberConsent(accountID: email, clientID: client.clientID, claims: ["email"])
            try await signOn.setRoles(email: "marko@test.licna.me", roles: [.registrar], context: .test)
            let token = try await signOn.issueOfficerToken(email: "marko@test.licna.me", name: "cli", roles: nil, days: 5, context: .test).token

            // An officer at a service point links the email account to Marko: the two become one, the card's id stays.
            try await signOn.linkAccount(email: "marko@test.licna.me", identificationNumber: number, context: .test)
            #expect(try await signOn.accountID(email: "marko@test.licna.me") == card)
            let rows = try await app.db.sql.select().column(AccountsTable.id).from(AccountsTable.table).where(AccountsTable.id, .equal, email).all()
            #expect(rows.isEmpty)
            let alias = try await app.db.sql.raw("SELECT account_id FROM account_aliases WHERE alias = \(bind: email)").first()
            #expect(try alias?.decode(column: "account_id", as: String.self) == card)

            // Nothing that signs Marko in is lost: the password, the authenticator (sealed again for its new row), the
            // role and its token, the consents (widened), and the relying party's sub.
            #expect(try await signOn.verifyPassword(email: "marko@test.licna.me", password: "correct horse battery") == card)
            let secret = try #require(URLComponents(string: uri)?.queryItems?.first { $0.name == "secret" }?.value)
            let totp = TimeBasedOneTimePassword(secret: try #require(SignOnAccountTests.base32Decode(secret)))
            #expect(try await signOn.verifyAuthenticator(accountID: card, code: totp.code(step: totp.step(at: clock.now))))
            #expect(try await signOn.roles(accountID: card) == [.registrar])
            #expect(try await signOn.officer(bearer: token)?.actor == "officer:marko@test.licna.me")
            let consent = try await app.db.sql.raw("SELECT claims FROM oidc_consents WHERE account_id = \(bind: card)").all()
            #expect(try consent.map { try $0.decode(column: "claims", as: String.self) } == ["email given_name"])
            #expect(try await app.db.sql.raw("SELECT claims FROM oidc_consents WHERE account_id = \(bind: email)").all().isEmpty)
            #expect(pairwise.subject(accountID: card, sector: sector) == knownSub)
            // Tokens that name the newer id read the merged account.
            let claims = try await AccountClaims(database: app.db).claims(accountID: email, names: ["email", "given_name"])
            #expect(claims == ["email": "marko@test.licna.me", "given_name": "Marko"])
            let audit = try await app.db.sql.raw("SELECT detail FROM audit_entries WHERE action = 'account.merge' AND object_id = \(bind: card)").all()
            #expect(audit.count == 1)

            // An eID sign-in after that finds the one account.
            #expect(try await signOn.cardAccount(.init(personID: person, cardNumber: "ME0000001", level: .high), passwordAccount: nil,
                                                 context: .test) == card)
        }
    }

    @Test func anEIDSignInAfterAPasswordSignInJoinsTheAccountsOnlyWhenNothingIsLost() async throws {
        let clock = AdjustableWallClock()
        try await TestInstallation.make(.sqlite).withApp(clock: clock, demo: true) { app in
            let signOn = app.licna.signOn(on: app.db)
            let numbers = try await DemoCitizens.identificationNumbers(app)
            func person(_ name: String) async throws -> UUID {
                try #require(try await PersonModel.query(on: app.db).filter(\.$identificationNumber == numbers[name]!).first()?.id)
            }
            let vesna = try await person("Vesna Radulović"), marko = try await person("Marko Petrović")

            // A password account signed in first, then the card of a person who has an older card account: one account,
            // the older id, with the email.
            let cardFirst = try await signOn.cardAccount(.init(personID: vesna, cardNumber: "ME1", level: .high), passwordAccount: nil, context: .test)
            clock.advance(60)
            let password = try await signOn.addAccount(email: "vesna@test.licna.me", password: "another long password", emailVerified: true, context: .test)
            #expect(try await signOn.cardAccount(.init(personID: vesna, cardNumber: "ME1", level: .high), passwordAccount: password, context: .test)
                == cardFirst)
            #expect(try await signOn.accountID(email: "vesna@test.licna.me") == cardFirst)

            // Another person's account is never joined: Marko's card signs in to Marko's account.
            clock.advance(60)
            let other = try await signOn.addAccount(email: "someone@test.licna.me", password: "a third long password", emailVerified: true, context: .test)
            let markoCard = try await signOn.cardAccount(.init(personID: marko, cardNumber: "ME2", level: .high), passwordAccount: nil, context: .test)
            _ = try await signOn.cardAccount(.init(personID: vesna, cardNumber: "ME1", level: .high), passwordAccount: markoCard, context: .test)
            #expect(try await signOn.accountID(email: "vesna@test.licna.me") == cardFirst)
            // Two accounts with an email each stay two: either address still signs in.
            #expect(try await signOn.cardAccount(.init(personID: vesna, cardNumber: "ME1", level: .high), passwordAccount: other, context: .test)
                == cardFirst)
            #expect(try await signOn.accountID(email: "someone@test.licna.me") == other)
            #expect(try await signOn.verifyPassword(email: "someone@test.licna.me", password: "a third long password") == other)
        }
    }
}
