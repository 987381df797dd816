import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import SQLKit

/// Server-side officer sessions (OWASP Session Management): the cookie holds 32 random bytes; the table holds only
/// their HMAC under a key derived from the master key (so a database reader cannot present a stored id as a
/// cookie), when the session started and was last used, and which admin token opened it. A session ends after
/// `maximumLifetime` (8 h) whatever happens, after `idleTimeout` (30 min) without a request, at logout, and when
/// the server starts with another admin token. Every server sharing the database sees the same sessions.
struct OfficerSessionStore: Sendable {
    private typealias Sessions = OfficerSessionsTable
    let key: SymmetricKey
    let clock: any WallClock
    var maximumLifetime: TimeInterval = 8 * 3600
    var idleTimeout: TimeInterval = 30 * 60
    /// `last_seen_at` is written at most this often, so that a busy officer page is not a write per request.
    var touchInterval: TimeInterval = 60

    init(masterKey: MasterKey, clock: any WallClock) {
        key = masterKey.derive(purpose: "officer-sessions", version: 1)
        self.clock = clock
    }

    /// Binds sessions to the admin token in force: a new token ends every session the old one opened.
    func tokenFingerprint(_ tokenHash: [UInt8]) -> String {
        HMAC<SHA256>.authenticationCode(for: Data("admin-token".utf8) + Data(tokenHash), using: key).hexString
    }

    private func storedID(_ cookie: String) -> String? {
        guard cookie.utf8.count == 43, let secret = Data(base64URL: cookie), secret.count == 32 else { return nil }
        return HMAC<SHA256>.authenticationCode(for: secret, using: key).hexString
    }

    /// Opens a session and returns the cookie value.
    func open(tokenHash: [UInt8], actor: String, on database: any Database) async throws -> String {
        var secret = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in secret.indices { secret[index] = UInt8.random(in: .min ... .max, using: &generator) }
        let cookie = Data(secret).base64URLEncoded
        let now = Int64(clock.now.timeIntervalSince1970)
        try await database.sql.insert(into: Sessions.table)
            .columns(Sessions.id, Sessions.actor, Sessions.tokenFingerprint, Sessions.createdAt, Sessions.lastSeenAt, Sessions.expiresAt)
            .values(SQLBind(storedID(cookie) ?? ""), SQLBind(actor), SQLBind(tokenFingerprint(tokenHash)), SQLBind(now), SQLBind(now),
                    SQLBind(now + Int64(maximumLifetime)))
            .run()
        return cookie
    }

    /// The actor of a live session, refreshing its idle timer; nil for an unknown, expired, idle, revoked or
    /// other-token session.
    func actor(cookie: String, tokenHash: [UInt8], on database: any Database) async throws -> String? {
        guard let id = storedID(cookie) else { return nil }
        let sql = database.sql
        guard let row = try await sql.select()
            .columns(Sessions.actor, Sessions.tokenFingerprint, Sessions.lastSeenAt, Sessions.expiresAt, Sessions.revokedAt)
            .from(Sessions.table).where(Sessions.id, .equal, id).first() else { return nil }
        let now = Int64(clock.now.timeIntervalSince1970)
        let lastSeen = try row.decode(column: Sessions.lastSeenAt.name, as: Int64.self)
        guard try row.decode(column: Sessions.revokedAt.name, as: Int64?.self) == nil,
              now < (try row.decode(column: Sessions.expiresAt.name, as: Int64.self)),
              now - lastSeen < Int64(idleTimeout), now >= lastSeen - 300,
              try row.decode(column: Sessions.tokenFingerprint.name, as: String.self) == tokenFingerprint(tokenHash) else { return nil }
        if now - lastSeen >= Int64(touchInterval) {
            try await sql.update(Sessions.table).set(Sessions.lastSeenAt, to: SQLBind(now)).where(Sessions.id, .equal, id).run()
        }
        return try row.decode(column: Sessions.actor.name, as: String.self)
    }

    /// Ends a session (logout); unknown cookies change nothing.
    func revoke(cookie: String, on database: any Database) async throws {
        guard let id = storedID(cookie) else { return }
        try await database.sql.update(Sessions.table).set(Sessions.revokedAt, to: SQLBind(Int64(clock.now.timeIntervalSince1970)))
            .where(Sessions.id, .equal, id).where(Sessions.revokedAt, .is, SQLLiteral.null).run()
    }

    /// At start: ends the sessions of any other admin token and forgets sessions that ended over a day ago.
    func revokeOtherTokens(than tokenHash: [UInt8]?, on database: any Database) async throws -> Int {
        let sql = database.sql
        let now = Int64(clock.now.timeIntervalSince1970)
        try await sql.delete(from: Sessions.table).where(Sessions.expiresAt, .lessThan, SQLBind(now - 86_400)).run()
        let fingerprint = tokenHash.map(tokenFingerprint) ?? ""
        let rows = try await sql.raw("""
            UPDATE \(Sessions.table) SET \(Sessions.revokedAt) = \(bind: now)
            WHERE \(Sessions.revokedAt) IS NULL AND \(Sessions.tokenFingerprint) <> \(bind: fingerprint) RETURNING \(Sessions.id)
            """).all()
        return rows.count
    }

}

struct CreateOfficerSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await OfficerSessionsTable.table.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await OfficerSessionsTable.table.delete(on: database)
    }
}
