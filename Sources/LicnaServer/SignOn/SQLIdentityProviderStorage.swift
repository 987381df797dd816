import Fluent
import Foundation
import LicnaBasics
import LicnaIdentityProvider
import SQLKit

/// The identity provider's storage in the installation's database (SQLite or PostgreSQL). A redemption is one
/// `UPDATE … SET redemptions = redemptions + 1 … RETURNING`: of two concurrent ones, exactly one reads 1.
struct SQLIdentityProviderStorage: AuthorizationCodeStorage, TokenStorage, AssertionReplayStorage, RelyingPartyStorage {
    let database: any Database
    let clock: any WallClock
    /// On an SQLite installation, rotations go straight to the file (`SQLiteTokenRotator`).
    var rotator: SQLiteTokenRotator? = nil

    static let encoder = JSONEncoder()
    static let decoder = JSONDecoder()

    private var nowSeconds: Int64 { Int64(clock.now.timeIntervalSince1970) }

    // MARK: Relying parties

    func relyingParty(id: String) async throws -> RelyingParty? {
        guard id.utf8.count <= 128 else { return nil }
        typealias Clients = OIDCClientsTable
        guard let row = try await database.sql.select().column(Clients.registration).from(Clients.table).where(Clients.id, .equal, id).first() else {
            return nil
        }
        return try Self.decoder.decode(RelyingParty.self, from: row.decode(column: Clients.registration.name, as: Data.self))
    }

    func register(_ party: RelyingParty) async throws {
        typealias Clients = OIDCClientsTable
        let registration = try Self.encoder.encode(party)
        try await database.retryingTransaction { db in
            try await db.sql.insert(into: Clients.table).columns(Clients.id, Clients.registration, Clients.createdAt)
                .values(SQLBind(party.id), SQLBind(registration), SQLBind(nowSeconds)).run()
        }
    }

    /// Replaces a registration; false when no client has its id.
    func update(_ party: RelyingParty) async throws -> Bool {
        typealias Clients = OIDCClientsTable
        let registration = try Self.encoder.encode(party)
        return try await database.retryingTransaction { db in
            try await !db.sql.update(Clients.table).set(Clients.registration, to: SQLBind(registration)).where(Clients.id, .equal, party.id)
                .returning(Clients.id).all().isEmpty
        }
    }

    func relyingParties() async throws -> [RelyingParty] {
        typealias Clients = OIDCClientsTable
        return try await database.sql.select().column(Clients.registration).from(Clients.table).orderBy(Clients.id).all().map {
            try Self.decoder.decode(RelyingParty.self, from: $0.decode(column: Clients.registration.name, as: Data.self))
        }
    }

    // MARK: Codes

    func save(_ record: AuthorizationCodeRecord, hash: String) async throws {
        typealias Codes = OIDCCodesTable
        let data = try Self.encoder.encode(record)
        let now = nowSeconds
        let sweep = UInt8.random(in: .min ... .max) == 0  // expired codes, now and then (see `saveTokens`)
        try await database.retryingTransaction { db in
            if sweep { try await db.sql.delete(from: Codes.table).where(Codes.expiresAt, .lessThan, now - 3_600).run() }
            try await db.sql.insert(into: Codes.table).columns(Codes.hash, Codes.record, Codes.redemptions, Codes.expiresAt)
                .values(SQLBind(hash), SQLBind(data), SQLBind(0), SQLBind(Int64(record.expiresAt.timeIntervalSince1970))).run()
        }
    }

    func redeem(hash: String) async throws -> Redemption<AuthorizationCodeRecord>? {
        typealias Codes = OIDCCodesTable
        let row = try await database.retryingTransaction { db in
            try await db.sql.raw("""
                UPDATE \(Codes.table) SET \(Codes.redemptions) = \(Codes.redemptions) + 1 WHERE \(Codes.hash) = \(bind: hash)
                RETURNING \(Codes.record), \(Codes.redemptions)
                """).first()
        }
        guard let row else { return nil }
        let record = try Self.decoder.decode(AuthorizationCodeRecord.self, from: row.decode(column: Codes.record.name, as: Data.self))
        return try row.decode(column: Codes.redemptions.name, as: Int.self) == 1 ? .first(record) : .replayed(record)
    }

    // MARK: Tokens

    func saveAccessToken(_ record: TokenRecord, hash: String) async throws { try await saveTokens([(record, hash, "access")]) }
    func saveRefreshToken(_ record: TokenRecord, hash: String) async throws { try await saveTokens([(record, hash, "refresh")]) }

    func saveTokens(access: (record: TokenRecord, hash: String), refresh: (record: TokenRecord, hash: String)?) async throws {
        try await saveTokens([(access.record, access.hash, "access")] + (refresh.map { [($0.record, $0.hash, "refresh")] } ?? []))
    }

    /// One transaction for the tokens of a grant. Expired tokens (a day past) are swept now and then — about one
    /// save in 256 — rather than scanned for at every save.
    private func saveTokens(_ tokens: [(record: TokenRecord, hash: String, kind: String)]) async throws {
        typealias Tokens = OIDCTokensTable
        let rows = try tokens.map { token in
            [SQLBind(token.hash), SQLBind(token.kind), SQLBind(token.record.grant.family), SQLBind(try Self.encoder.encode(token.record)),
             SQLBind(0), SQLBind(Int64(token.record.expiresAt.timeIntervalSince1970))] as [any SQLExpression]
        }
        let sweep = UInt8.random(in: .min ... .max) == 0
        let now = nowSeconds
        try await database.retryingTransaction { db in
            try await Self.insert(rows, sweepingBefore: sweep ? now - 86_400 : nil, on: db)
        }
    }

    private static func tokenRows(_ issued: IssuedTokens) throws -> [[any SQLExpression]] {
        try ([(issued.access.record, issued.access.hash, "access")] + (issued.refresh.map { [($0.record, $0.hash, "refresh")] } ?? [])).map { token in
            [SQLBind(token.1), SQLBind(token.2), SQLBind(token.0.grant.family), SQLBind(try encoder.encode(token.0)),
             SQLBind(0), SQLBind(Int64(token.0.expiresAt.timeIntervalSince1970))] as [any SQLExpression]
        }
    }

    private static func insert(_ rows: [[any SQLExpression]], sweepingBefore cutoff: Int64?, on db: any Database) async throws {
        typealias Tokens = OIDCTokensTable
        if let cutoff { try await db.sql.delete(from: Tokens.table).where(Tokens.expiresAt, .lessThan, cutoff).run() }
        var insert = db.sql.insert(into: Tokens.table)
            .columns(Tokens.hash, Tokens.kind, Tokens.family, Tokens.record, Tokens.redemptions, Tokens.expiresAt)
        for row in rows { insert = insert.values(row) }
        try await insert.run()
    }

    /// The redemption and the successors in one transaction: one durable commit per refresh grant. A refusal by
    /// `successors` rolls the redemption back too (the token was not the caller's to spend).
    func rotateRefreshToken(hash: String, successors: @escaping @Sendable (TokenRecord) throws -> IssuedTokens) async throws -> Redemption<TokenRecord>? {
        typealias Tokens = OIDCTokensTable
        typealias Revoked = OIDCRevokedFamiliesTable
        if let rotator {
            do {
                return try await rotator.rotate(hash: hash, successors: successors)
            } catch is SQLiteFileConnection.Failure {
                // A busy or unexpected file: the same work through SQLKit below.
            }
        }
        let sweep = UInt8.random(in: .min ... .max) == 0
        let now = nowSeconds
        return try await database.retryingTransaction { db in
            guard let row = try await db.sql.raw("""
                UPDATE \(Tokens.table) SET \(Tokens.redemptions) = \(Tokens.redemptions) + 1
                WHERE \(Tokens.hash) = \(bind: hash) AND \(Tokens.kind) = 'refresh'
                AND NOT EXISTS (SELECT 1 FROM \(Revoked.table) WHERE \(Revoked.family) = \(Tokens.table).\(Tokens.family))
                RETURNING \(Tokens.record), \(Tokens.redemptions)
                """).first() else { return nil }
            let record = try Self.decoder.decode(TokenRecord.self, from: row.decode(column: Tokens.record.name, as: Data.self))
            guard try row.decode(column: Tokens.redemptions.name, as: Int.self) == 1 else { return .replayed(record) }
            try await Self.insert(try Self.tokenRows(try successors(record)), sweepingBefore: sweep ? now - 86_400 : nil, on: db)
            return .first(record)
        }
    }

    func accessToken(hash: String) async throws -> TokenRecord? {
        typealias Tokens = OIDCTokensTable
        typealias Revoked = OIDCRevokedFamiliesTable
        guard let row = try await database.sql.raw("""
            SELECT \(Tokens.record) FROM \(Tokens.table) WHERE \(Tokens.hash) = \(bind: hash) AND \(Tokens.kind) = 'access'
            AND NOT EXISTS (SELECT 1 FROM \(Revoked.table) WHERE \(Revoked.family) = \(Tokens.table).\(Tokens.family))
            """).first() else { return nil }
        return try Self.decoder.decode(TokenRecord.self, from: row.decode(column: Tokens.record.name, as: Data.self))
    }

    func redeemRefreshToken(hash: String) async throws -> Redemption<TokenRecord>? {
        typealias Tokens = OIDCTokensTable
        typealias Revoked = OIDCRevokedFamiliesTable
        let row = try await database.retryingTransaction { db in
            try await db.sql.raw("""
                UPDATE \(Tokens.table) SET \(Tokens.redemptions) = \(Tokens.redemptions) + 1
                WHERE \(Tokens.hash) = \(bind: hash) AND \(Tokens.kind) = 'refresh'
                AND NOT EXISTS (SELECT 1 FROM \(Revoked.table) WHERE \(Revoked.family) = \(Tokens.table).\(Tokens.family))
                RETURNING \(Tokens.record), \(Tokens.redemptions)
                """).first()
        }
        guard let row else { return nil }
        let record = try Self.decoder.decode(TokenRecord.self, from: row.decode(column: Tokens.record.name, as: Data.self))
        return try row.decode(column: Tokens.redemptions.name, as: Int.self) == 1 ? .first(record) : .replayed(record)
    }

    func revokeFamily(_ family: String) async throws {
        typealias Revoked = OIDCRevokedFamiliesTable
        typealias Tokens = OIDCTokensTable
        let now = nowSeconds
        try await database.retryingTransaction { db in
            try await db.sql.raw("""
                INSERT INTO \(Revoked.table) (\(Revoked.family), \(Revoked.revokedAt)) VALUES (\(bind: family), \(bind: now))
                ON CONFLICT (\(Revoked.family)) DO NOTHING
                """).run()
            try await db.sql.delete(from: Tokens.table).where(Tokens.family, .equal, family).run()
        }
    }

    func isRevoked(family: String) async throws -> Bool {
        typealias Revoked = OIDCRevokedFamiliesTable
        return try await database.sql.select().column(Revoked.family).from(Revoked.table).where(Revoked.family, .equal, family).first() != nil
    }

    // MARK: Client assertions

    func claim(clientID: String, jti: String, until: Date, now: Date) async throws -> Bool {
        typealias Assertions = OIDCAssertionsTable
        let key = clientID + " " + jti
        let row = try await database.retryingTransaction { db in
            try await db.sql.delete(from: Assertions.table).where(Assertions.expiresAt, .lessThan, Int64(now.timeIntervalSince1970)).run()
            return try await db.sql.raw("""
                INSERT INTO \(Assertions.table) (\(Assertions.key), \(Assertions.expiresAt)) VALUES (\(bind: key), \(bind: Int64(until.timeIntervalSince1970.rounded(.up))))
                ON CONFLICT (\(Assertions.key)) DO NOTHING RETURNING \(Assertions.key)
                """).first()
        }
        return row != nil
    }
}
