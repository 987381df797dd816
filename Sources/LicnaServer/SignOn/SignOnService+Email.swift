import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import Logging
import NIOPosix
import SQLKit

/// Registration by the public, email verification and password reset (issue 13, item 2). The answers never tell
/// whether an address has an account: registering a taken address sends its holder a note instead, and a reset for
/// an unknown address sends nothing, with the same page either way. Links are single use and kept by their SHA-256.
extension SignOnService {
    public enum LinkPurpose: String, Sendable {
        case verify, reset

        var lifetime: TimeInterval { self == .verify ? 86_400 : 3_600 }
    }

    /// What a page needs to send a message in the person's language.
    public struct MailText: Sendable {
        public var subject: String
        /// The body; `{link}` is replaced by the link.
        public var body: String
    }

    /// Registers `email` with `password` (not verified yet) and sends the verification link; for an address that has
    /// an account already, sends `existing` (a note pointing to password reset) instead. Returns nothing either way.
    public func register(email: String, password: String, baseURL: String, verify: MailText, existing: MailText, logger: Logger) async throws {
        let address = email.lowercased().trimmingCharacters(in: .whitespaces)
        guard AccountMail.isDeliverable(address) else { throw SignOnError.invalid("\(email.prefix(100)) is not an email address") }
        do {
            let id = try await addAccount(email: address, password: password, emailVerified: false,
                                          context: AuditContext(actor: "registration", purpose: .signOn))
            let token = try await issueLink(.verify, accountID: id)
            try await mail(to: address, verify, link: baseURL + "/account/verify?token=" + token, logger: logger)
        } catch let error as SignOnError where error.code == .signOnAccountExists {
            try await mail(to: address, existing, link: baseURL + "/account/reset", logger: logger)
        }
    }

    /// Sends a password-reset link if `email` has an account; nothing otherwise.
    public func requestReset(email: String, baseURL: String, text: MailText, logger: Logger) async throws {
        let address = email.lowercased().trimmingCharacters(in: .whitespaces)
        guard AccountMail.isDeliverable(address), let id = try? await accountID(email: address) else { return }
        let token = try await issueLink(.reset, accountID: id)
        try await mail(to: address, text, link: baseURL + "/account/reset/confirm?token=" + token, logger: logger)
    }

    /// Uses a verification link: the account's email is verified. False for an unknown, used or expired link.
    public func verifyEmail(token: String) async throws -> Bool {
        typealias Accounts = AccountsTable
        return try await database.retryingTransaction { db in
            guard let account = try await self.consumeLink(.verify, token: token, on: db) else { return false }
            try await db.sql.update(Accounts.table).set(Accounts.emailVerified, to: 1).where(Accounts.id, .equal, account).run()
            try await self.services.audit.append([AuditContext(actor: "account:" + account, purpose: .signOn)
                .event(.accountEmailVerified, .account, account, detail: "email verified by its link")], on: db)
            return true
        }
    }

    /// Whether a reset link is still good (the form is shown only then); does not use it.
    public func resetLinkIsValid(_ token: String) async throws -> Bool {
        typealias Tokens = AccountTokensTable
        guard token.utf8.count <= 100, let row = try await database.sql.select().column(Tokens.expiresAt).from(Tokens.table)
            .where(Tokens.hash, .equal, OpenIDProvider.hash(token)).where(Tokens.purpose, .equal, LinkPurpose.reset.rawValue).first() else { return false }
        return try row.decode(column: Tokens.expiresAt.name, as: Int64.self) >= Int64(clock.now.timeIntervalSince1970)
    }

    /// Uses a reset link: sets the new password (the email is then verified too: the holder read the message), ends
    /// the account's single sign-on sessions. False for an unknown, used or expired link.
    public func resetPassword(token: String, password: String) async throws -> Bool {
        guard password.count >= 10, password.utf8.count <= 1024 else {
            throw SignOnError.invalid("a password must be at least 10 characters (and at most 1024 bytes)")
        }
        guard try await resetLinkIsValid(token) else { return false }
        let cost = services.configuration.passwordCost
        let hash = try await services.passwordHashing.run { try PasswordHash.make(password, cost: cost).stored }
        typealias Accounts = AccountsTable
        return try await database.retryingTransaction { db in
            guard let account = try await self.consumeLink(.reset, token: token, on: db) else { return false }
            try await db.sql.update(Accounts.table).set(Accounts.passwordHash, to: hash).set(Accounts.emailVerified, to: 1)
                .where(Accounts.id, .equal, account).run()
            try await db.sql.delete(from: SignOnSessionsTable.table).where(SignOnSessionsTable.accountID, .equal, account).run()
            try await db.sql.delete(from: AccountTokensTable.table).where(AccountTokensTable.accountID, .equal, account)
                .where(AccountTokensTable.purpose, .equal, LinkPurpose.reset.rawValue).run()
            try await self.services.audit.append([AuditContext(actor: "account:" + account, purpose: .signOn)
                .event(.accountPasswordReset, .account, account, detail: "password set through the emailed link; sessions ended")], on: db)
            return true
        }
    }

    private func issueLink(_ purpose: LinkPurpose, accountID: String) async throws -> String {
        typealias Tokens = AccountTokensTable
        let token = SignOnInteractions.random()
        let now = Int64(clock.now.timeIntervalSince1970)
        try await database.retryingTransaction { db in
            try await db.sql.delete(from: Tokens.table).where(Tokens.expiresAt, .lessThan, now).run()
            try await db.sql.insert(into: Tokens.table).columns(Tokens.hash, Tokens.accountID, Tokens.purpose, Tokens.expiresAt)
                .values(SQLBind(OpenIDProvider.hash(token)), SQLBind(accountID), SQLBind(purpose.rawValue), SQLBind(now + Int64(purpose.lifetime))).run()
        }
        return token
    }

    /// Deletes the link and returns its account if it was of this purpose and still good.
    private func consumeLink(_ purpose: LinkPurpose, token: String, on db: any Database) async throws -> String? {
        typealias Tokens = AccountTokensTable
        guard token.utf8.count <= 100 else { return nil }
        let rows = try await db.sql.delete(from: Tokens.table).where(Tokens.hash, .equal, OpenIDProvider.hash(token))
            .where(Tokens.purpose, .equal, purpose.rawValue).returning(Tokens.accountID, Tokens.expiresAt).all()
        guard let row = rows.first, try row.decode(column: Tokens.expiresAt.name, as: Int64.self) >= Int64(clock.now.timeIntervalSince1970) else {
            return nil
        }
        return try row.decode(column: Tokens.accountID.name, as: String.self)
    }

    private func mail(to address: String, _ text: MailText, link: String, logger: Logger) async throws {
        let delivery = services.configuration.mail
        let mail = AccountMail(to: address, subject: text.subject, body: text.body.replacingOccurrences(of: "{link}", with: link), link: link)
        let now = clock.now
        // SMTP and files block: on NIO's shared blocking pool, never on an event loop.
        try await NIOThreadPool.singleton.runIfActive { try delivery.send(mail, sender: delivery.sender, now: now, logger: logger) }
    }
}
