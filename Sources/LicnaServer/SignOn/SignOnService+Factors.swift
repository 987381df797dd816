import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import SQLKit

extension SignOnService {
    /// What raises an account's sign-in above `low`: a link to a registry person (identity verified) and a TOTP
    /// authenticator.
    struct AccountFactors: Sendable {
        var identityVerified: Bool
        var hasAuthenticator: Bool
    }

    func factors(accountID: String) async throws -> AccountFactors {
        typealias Accounts = AccountsTable
        guard let row = try await database.sql.select().columns(Accounts.personID, Accounts.totpSealed).from(Accounts.table)
            .where(Accounts.id, .equal, accountID).first() else { return AccountFactors(identityVerified: false, hasAuthenticator: false) }
        return AccountFactors(identityVerified: try row.decode(column: Accounts.personID.name, as: String?.self) != nil,
                              hasAuthenticator: try row.decode(column: Accounts.totpSealed.name, as: Data?.self) != nil)
    }

    /// The level a sign-in reaches (issue 13, item 2): substantial for an identity-verified account that also gave
    /// its TOTP code; low otherwise.
    static func level(_ factors: AccountFactors, secondFactor: Bool) -> LevelOfAssurance {
        factors.identityVerified && secondFactor ? .substantial : .low
    }

    private var totpSealing: SymmetricKey { services.configuration.masterKey.derive(purpose: "account-totp", version: 1) }

    /// A TOTP secret sealed for one account: AES-GCM under a master-key subkey, the account's id as associated data,
    /// so that a sealed secret copied to another row does not open.
    func sealTOTP(_ secret: some DataProtocol, accountID: String) throws -> Data {
        try AES.GCM.seal(secret, using: totpSealing, authenticating: Data("accounts/\(accountID)/totp".utf8)).combined ?? Data()
    }

    func openTOTP(_ sealed: Data, accountID: String) throws -> Data {
        try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: totpSealing, authenticating: Data("accounts/\(accountID)/totp".utf8))
    }

    func accountID(email: String) async throws -> String {
        typealias Accounts = AccountsTable
        guard let row = try await database.sql.select().column(Accounts.id).from(Accounts.table)
            .where(Accounts.email, .equal, email.lowercased().trimmingCharacters(in: .whitespaces)).first() else {
            throw SignOnError(.signOnUnknownAccount)
        }
        return try row.decode(column: Accounts.id.name, as: String.self)
    }

    /// Gives an account a new TOTP secret, replacing any before; returns the key URI for the authenticator app.
    public func enrollAuthenticator(email: String, issuer: String, secret given: [UInt8]? = nil, context: AuditContext) async throws -> String {
        let id = try await accountID(email: email)
        let secret = given ?? TimeBasedOneTimePassword.newSecret()
        let sealed = try sealTOTP(secret, accountID: id)
        typealias Accounts = AccountsTable
        try await database.retryingTransaction { db in
            try await db.sql.update(Accounts.table).set(Accounts.totpSealed, to: sealed).set(Accounts.totpLastStep, to: SQLLiteral.null)
                .where(Accounts.id, .equal, id).run()
            try await services.audit.append([context.event(.accountAuthenticator, .account, id, detail: "TOTP authenticator enrolled")], on: db)
        }
        return TimeBasedOneTimePassword(secret: secret).uri(issuer: issuer, account: email.lowercased())
    }

    /// A new authenticator offered on the account page, not yet in force: the secret for the person's app, and the
    /// same secret sealed for this account with its expiry (`pending`), which the page carries back with the first
    /// code. Nothing is stored until `confirmAuthenticator` sees a right code.
    func offerAuthenticator(accountID: String) throws -> (secret: [UInt8], pending: String) {
        let secret = TimeBasedOneTimePassword.newSecret()
        let expiry = Int64(clock.now.timeIntervalSince1970) + Int64(Self.pendingAuthenticatorLifetime)
        let sealed = try AES.GCM.seal(secret, using: pendingSealing, authenticating: Data("accounts/\(accountID)/totp-pending/\(expiry)".utf8))
        return (secret, "\(expiry).\((sealed.combined ?? Data()).base64URLEncoded)")
    }

    static let pendingAuthenticatorLifetime: TimeInterval = 600

    private var pendingSealing: SymmetricKey { services.configuration.masterKey.derive(purpose: "account-totp-pending", version: 1) }

    /// The secret of an offer made for this account that has not expired; nil for anything else (another account's,
    /// an expired or altered one).
    func pendingAuthenticator(_ pending: String, accountID: String) -> [UInt8]? {
        let parts = pending.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[1].utf8.count <= 200, let expiry = Int64(parts[0]), parts[0].utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              expiry >= Int64(clock.now.timeIntervalSince1970), let combined = Data(base64URL: parts[1]),
              let box = try? AES.GCM.SealedBox(combined: combined),
              let secret = try? AES.GCM.open(box, using: pendingSealing, authenticating: Data("accounts/\(accountID)/totp-pending/\(expiry)".utf8))
        else { return nil }
        return Array(secret)
    }

    /// Puts an offered authenticator in force once the person's app shows a right code for it: it replaces any
    /// earlier one, the code's step counts as used, and the change is audited. False for a wrong code or a stale offer.
    func confirmAuthenticator(accountID: String, pending: String, code: String, context: AuditContext) async throws -> Bool {
        guard let secret = pendingAuthenticator(pending, accountID: accountID),
              let step = TimeBasedOneTimePassword(secret: secret).verify(code, at: clock.now) else { return false }
        let sealed = try sealTOTP(secret, accountID: accountID)
        typealias Accounts = AccountsTable
        try await database.retryingTransaction { db in
            try await db.sql.update(Accounts.table).set(Accounts.totpSealed, to: sealed).set(Accounts.totpLastStep, to: step)
                .where(Accounts.id, .equal, accountID).run()
            try await services.audit.append([context.event(.accountAuthenticator, .account, accountID,
                                                           detail: "TOTP authenticator enrolled on the account page")], on: db)
        }
        return true
    }

    /// Checks a TOTP code; a code is accepted once (the step is recorded in the same statement that checks it is new).
    func verifyAuthenticator(accountID: String, code: String) async throws -> Bool {
        typealias Accounts = AccountsTable
        guard let row = try await database.sql.select().columns(Accounts.totpSealed, Accounts.totpLastStep).from(Accounts.table)
            .where(Accounts.id, .equal, accountID).first(),
              let sealed = try row.decode(column: Accounts.totpSealed.name, as: Data?.self) else { return false }
        let secret = try openTOTP(sealed, accountID: accountID)
        let last = try row.decode(column: Accounts.totpLastStep.name, as: Int64?.self)
        guard let step = TimeBasedOneTimePassword(secret: Array(secret)).verify(code, at: clock.now, after: last) else { return false }
        let updated = try await database.retryingTransaction { db in
            try await db.sql.raw("""
                UPDATE \(Accounts.table) SET \(Accounts.totpLastStep) = \(bind: step) WHERE \(Accounts.id) = \(bind: accountID)
                AND (\(Accounts.totpLastStep) IS NULL OR \(Accounts.totpLastStep) < \(bind: step)) RETURNING \(Accounts.id)
                """).first()
        }
        return updated != nil
    }

    /// Links an account to the registry person with this identification number: an officer at a service point has
    /// seen the person's identity document (issue 13, item 2). Audited as a registry lookup.
    /// Refuses an identification number no registry person has (before anything is written for it).
    public func requirePerson(identificationNumber: String) async throws {
        guard try await PersonModel.query(on: database).filter(\.$identificationNumber == identificationNumber).first() != nil else {
            throw SignOnError(.signOnUnknownPerson)
        }
    }

    public func linkAccount(email: String, identificationNumber: String, context: AuditContext) async throws {
        let id = try await accountID(email: email)
        guard let person = try await PersonModel.query(on: database).filter(\.$identificationNumber == identificationNumber).first(),
              let personID = person.id else {
            throw SignOnError(.signOnUnknownPerson)
        }
        typealias Accounts = AccountsTable
        try await database.retryingTransaction { db in
            try await db.sql.update(Accounts.table).set(Accounts.personID, to: personID.uuidString).where(Accounts.id, .equal, id).run()
            try await services.audit.append([context.event(.accountLink, .account, id, detail: "linked to person \(personID.uuidString)")], on: db)
            // The person's other accounts (made by an eID sign-in, say) join this one where nothing is lost.
            var current = id
            for other in try await db.sql.select().column(Accounts.id).from(Accounts.table).where(Accounts.personID, .equal, personID.uuidString)
                .where(Accounts.id, .notEqual, id).all().map({ try $0.decode(column: Accounts.id.name, as: String.self) })
            where try await mayMerge(current, other, on: db) {
                current = try await merge(current, other, on: db, context: context)
            }
        }
    }
}
