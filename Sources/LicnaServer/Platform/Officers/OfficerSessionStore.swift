import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import SQLKit

/// Server-side officer sessions (OWASP Session Management): the cookie holds 32 random bytes; the table holds only
/// their HMAC under a key derived from the master key (so a database reader cannot present a stored id as a
/// cookie), when the session started and was last used, and what opened it: the admin token (which may then only
/// name the first administrator) or an officer's personal token (`Holder`). A session ends after
/// `maximumLifetime` (8 h) whatever happens, after `idleTimeout` (30 min) without a request, at logout, with its
/// personal token, and when the server starts with another admin token. Every server sharing the database sees the
/// same sessions.
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

    /// What opened a session.
    enum Holder: Equatable, Sendable {
        /// The operator's admin token, whose hash is in force.
        case adminToken
        /// An officer's personal token (`officer_tokens.id`); the guard checks it is still live at every request.
        case officerToken(id: String)

        var actor: String {
            switch self {
            case .adminToken: "admin-token"
            case .officerToken(let id): "token:" + id
            }
        }

        init?(actor: String) {
            if actor == "admin-token" { self = .adminToken } else if actor.hasPrefix("token:") { self = .officerToken(id: String(actor.dropFirst(6))) } else { return nil }
        }
    }

    private static let officerTokenFingerprint = "officer-token"

    /// Opens a session and returns the cookie value. `adminTokenHash` binds an admin-token session to the token in
    /// force; an officer-token session ends no later than `until`.
    func open(_ holder: Holder, adminTokenHash: [UInt8]?, until: Date? = nil, on database: any Database) async throws -> String {
        var secret = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in secret.indices { secret[index] = UInt8.random(in: .min ... .max, using: &generator) }
        let cookie = Data(secret).base64URLEncoded
        let now = Int64(clock.now.timeIntervalSince1970)
        let fingerprint = holder == .adminToken ? (adminTokenHash.map(tokenFingerprint) ?? "") : Self.officerTokenFingerprint
        let expiresAt = min(now + Int64(maximumLifetime), until.map { Int64($0.timeIntervalSince1970) } ?? .max)
        try await database.sql.insert(into: Sessions.table)
            .columns(Sessions.id, Sessions.actor, Sessions.tokenFingerprint, Sessions.createdAt, Sessions.lastSeenAt, Sessions.expiresAt)
            .values(SQLBind(storedID(cookie) ?? ""), SQLBind(holder.actor), SQLBind(fingerprint), SQLBind(now), SQLBind(now), SQLBind(expiresAt))
            .run()
        return cookie
    }

    /// What opened a live session, refreshing its idle timer; nil for an unknown, expired, idle or revoked session,
    /// and for an admin-token session of another token.
    func holder(cookie: String, adminTokenHash: [UInt8]?, on database: any Database) async throws -> Holder? {
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
              let holder = Holder(actor: try row.decode(column: Sessions.actor.name, as: String.self)) else { return nil }
        let fingerprint = try row.decode(column: Sessions.tokenFingerprint.name, as: String.self)
        switch holder {
        case .adminToken: guard let adminTokenHash, fingerprint == tokenFingerprint(adminTokenHash) else { return nil }
        case .officerToken: guard fingerprint == Self.officerTokenFingerprint else { return nil }
        }
        if now - lastSeen >= Int64(touchInterval) {
            try await sql.update(Sessions.table).set(Sessions.lastSeenAt, to: SQLBind(now)).where(Sessions.id, .equal, id).run()
        }
        return holder
    }

    /// Ends a session (logout); unknown cookies change nothing.
    func revoke(cookie: String, on database: any Database) async throws {
        guard let id = storedID(cookie) else { return }
        try await database.sql.update(Sessions.table).set(Sessions.revokedAt, to: SQLBind(Int64(clock.now.timeIntervalSince1970)))
            .where(Sessions.id, .equal, id).where(Sessions.revokedAt, .is, SQLLiteral.null).run()
    }

    /// At start: ends the sessions of any other admin token and forgets sessions that ended over a day ago. Sessions
    /// opened with officers' personal tokens stay.
    func revokeOtherTokens(than tokenHash: [UInt8]?, on database: any Database) async throws -> Int {
        let sql = database.sql
        let now = Int64(clock.now.timeIntervalSince1970)
        try await sql.delete(from: Sessions.table).where(Sessions.expiresAt, .lessThan, SQLBind(now - 86_400)).run()
        let fingerprint = tokenHash.map(tokenFingerprint) ?? ""
        let rows = try await sql.raw("""
            UPDATE \(Sessions.table) SET \(Sessions.revokedAt) = \(bind: now)
            WHERE \(Sessions.revokedAt) IS NULL AND \(Sessions.actor) = \(bind: Holder.adminToken.actor)
              AND \(Sessions.tokenFingerprint) <> \(bind: fingerprint) RETURNING \(Sessions.id)
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
