import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
@testable import LicnaServer
import Testing

/// Accounts at the service: passwords (scrypt; the same answer for an unknown account), the authenticator (a code
/// accepted once, within one step either way), the link to a registry person, and the level they give together.
@Suite struct SignOnAccountTests {
    static let cost = PasswordHash.Cost(logN: 10, r: 8, p: 1)

    @Test func passwordsAreHashedAndCheckedAndUnknownAccountsLookTheSame() async throws {
        let hash = try PasswordHash.make("correct horse battery", cost: Self.cost)
        #expect(try hash.matches("correct horse battery") && !(try hash.matches("correct horse batterY")))
        let stored = try #require(PasswordHash(stored: hash.stored))
        #expect(try stored.matches("correct horse battery"))
        // A tampered row cannot make a sign-in take a gigabyte, nor be read at all.
        for text in [hash.stored.replacingOccurrences(of: "ln=10", with: "ln=30"), hash.stored.replacingOccurrences(of: "r=8", with: "r=٨"),
                     "scrypt$ln=10,r=8,p=1$$", "bcrypt$2b$10$abc", "", String(repeating: "$", count: 10)] {
            #expect(PasswordHash(stored: text) == nil, "\(text)")
        }
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            let signOn = app.licna.signOn(on: app.db)
            let id = try await signOn.addAccount(email: "Jelena@Example.me", password: "correct horse battery", emailVerified: true, context: .test)
            #expect(try await signOn.verifyPassword(email: "jelena@example.me ", password: "correct horse battery") == id)
            #expect(try await signOn.verifyPassword(email: "jelena@example.me", password: "wrong password") == nil)
            #expect(try await signOn.verifyPassword(email: "nobody@example.me", password: "correct horse battery") == nil)
            await #expect(throws: SignOnError(.signOnAccountExists)) {
                try await signOn.addAccount(email: "jelena@example.me", password: "another password", emailVerified: true, context: .test)
            }
            await #expect(throws: SignOnError.self) {
                try await signOn.addAccount(email: "not an address", password: "long enough password", emailVerified: true, context: .test)
            }
            await #expect(throws: SignOnError.self) {
                try await signOn.addAccount(email: "short@example.me", password: "short", emailVerified: true, context: .test)
            }
            // An unverified email signs in to nothing.
            _ = try await signOn.addAccount(email: "new@example.me", password: "correct horse battery", emailVerified: false, context: .test)
            #expect(try await signOn.verifyPassword(email: "new@example.me", password: "correct horse battery") == nil)
        }
    }

    @Test func theAuthenticatorAndTheLinkGiveSubstantialAndACodeCountsOnce() async throws {
        let clock = AdjustableWallClock(Date(timeIntervalSince1970: 1_800_000_010))
        try await TestInstallation.make(.sqlite).withApp(clock: clock, http: false) { app in
            let signOn = app.licna.signOn(on: app.db)
            let id = try await signOn.addAccount(email: "ana@example.me", password: "correct horse battery", emailVerified: true, context: .test)
            var factors = try await signOn.factors(accountID: id)
            #expect(!factors.identityVerified && !factors.hasAuthenticator && SignOnService.level(factors, secondFactor: false) == .low)
            let uri = try await signOn.enrollAuthenticator(email: "ana@example.me", issuer: "Licna", context: .test)
            let secret = try #require(URLComponents(string: uri)?.queryItems?.first { $0.name == "secret" }?.value)
            let totp = TimeBasedOneTimePassword(secret: try #require(Self.base32Decode(secret)))
            let code = totp.code(step: totp.step(at: clock.now))
            #expect(try await signOn.verifyAuthenticator(accountID: id, code: code))
            #expect(!(try await signOn.verifyAuthenticator(accountID: id, code: code)))  // replayed
            clock.advance(30)
            #expect(!(try await signOn.verifyAuthenticator(accountID: id, code: "12345")))
            #expect(try await signOn.verifyAuthenticator(accountID: id, code: totp.code(step: totp.step(at: clock.now))))
            factors = try await signOn.factors(accountID: id)
            #expect(factors.hasAuthenticator && SignOnService.level(factors, secondFactor: true) == .low)  // not linked yet
            let birth = BirthRegistration(givenName: "Ana", surname: "Perović", birthDate: CivilDate(year: 1990, month: 1, day: 2)!, birthPlace: "Bar",
                                          sex: .female, regionCode: 21, address: "Obala 2", municipality: "Bar")
            let number = try await app.licna.registry(on: app.db).registerBirth(birth, context: .test).person.identificationNumber
            await #expect(throws: SignOnError(.signOnUnknownPerson)) {
                try await signOn.linkAccount(email: "ana@example.me", identificationNumber: "000000000", context: .test)
            }
            try await signOn.linkAccount(email: "ana@example.me", identificationNumber: number, context: .test)
            factors = try await signOn.factors(accountID: id)
            #expect(SignOnService.level(factors, secondFactor: true) == .substantial && SignOnService.level(factors, secondFactor: false) == .low)
            // The claims come from the person; the JMBG is never among them, whatever is asked.
            let claims = try await AccountClaims(database: app.db).claims(accountID: id, names: ["given_name", "identification_number", "jmbg"])
            #expect(claims == ["given_name": "Ana", "identification_number": number])
        }
    }

    /// Issue 13, item 3: the account a card sign-in reaches. The person's oldest account if they have one (joined by
    /// the account that signed in with a password in the same sign-in, item 4: AccountMergeTests); else the unlinked
    /// account that signed in with a password in the same sign-in, which is then linked; else a new account made from
    /// the card, without email or password; on PostgreSQL as on SQLite.
    @Test(arguments: TestEngine.available)
    func aCardSignInReachesThePersonsAccountLinksAPasswordAccountOrMakesOne(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            let signOn = app.licna.signOn(on: app.db)
            let registry = app.licna.registry(on: app.db)
            func person(_ given: String) async throws -> UUID {
                let birth = BirthRegistration(givenName: given, surname: "Perović", birthDate: CivilDate(year: 1990, month: 1, day: 2)!, birthPlace: "Bar",
                                              sex: .female, regionCode: 21, address: "Obala 2", municipality: "Bar")
                let registered = try await registry.registerBirth(birth, context: .test)
                return registered.person.id.rawValue
            }
            let ana = CardIssuanceService.CardHolder(personID: try await person("Ana"), cardNumber: "000000001", level: .high)
            let made = try await signOn.cardAccount(ana, passwordAccount: nil, context: .test)
            #expect(try await signOn.factors(accountID: made).identityVerified)
            #expect(try await AccountClaims(database: app.db).claims(accountID: made, names: ["email", "given_name"]) == ["given_name": "Ana"])
            // Ana's card again, after a password sign-in to another account: her own (oldest) account, which the
            // other joins (it brings its email).
            let other = try await signOn.addAccount(email: "other@example.me", password: "correct horse battery", emailVerified: true, context: .test)
            #expect(try await signOn.cardAccount(ana, passwordAccount: other, context: .test) == made)
            #expect(try await signOn.accountID(email: "other@example.me") == made)
            // Bojana has no account yet: the password account of this sign-in is linked to her.
            let third = try await signOn.addAccount(email: "third@example.me", password: "correct horse battery", emailVerified: true, context: .test)
            #expect(!(try await signOn.factors(accountID: third).identityVerified))
            let bojana = CardIssuanceService.CardHolder(personID: try await person("Bojana"), cardNumber: "000000002", level: .substantial)
            #expect(try await signOn.cardAccount(bojana, passwordAccount: third, context: .test) == third)
            #expect(try await AccountClaims(database: app.db).claims(accountID: third, names: ["given_name"]) == ["given_name": "Bojana"])
        }
    }

    static func base32Decode(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bytes: [UInt8] = []
        var buffer = 0
        var bits = 0
        for character in text {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return bytes
    }
}
