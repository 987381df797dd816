import Foundation
import LicnaIdentityProvider
import NIOPosix
import VaporCSQLite

/// Refresh-token rotation straight on an SQLite installation's file (issue 13, performance): the redemption and the
/// successors' inserts in one write transaction, run as one job on a thread of the pool, instead of a hop to the
/// database driver's thread and back for each of BEGIN, UPDATE, INSERT and COMMIT. A refresh grant's time was those
/// hops, not work: half the CPU sat idle while grants queued for SQLite's one writer.
///
/// The statements are the ones `SQLIdentityProviderStorage` runs through SQLKit; the transaction is `BEGIN
/// IMMEDIATE` (it takes the write lock at once, so two rotations never deadlock on upgrading a read lock), commits
/// durably like every other write (the connection keeps SQLite's default `synchronous`), and waits up to five
/// seconds for another writer (`SQLiteFileConnection`). Any failure is thrown after a rollback, and the caller falls back to SQLKit.
final class SQLiteTokenRotator: Sendable {
    private let connections: SQLiteConnectionPool<Connection>

    init(path: String) {
        connections = SQLiteConnectionPool { try Connection(path: path) }
    }

    /// See `TokenStorage.rotateRefreshToken`.
    func rotate(hash: String, successors: @escaping @Sendable (TokenRecord) throws -> IssuedTokens) async throws -> Redemption<TokenRecord>? {
        try await NIOThreadPool.singleton.runIfActive { [connections] in
            try connections.withConnection { try $0.rotate(hash: hash, successors: successors) }
        }
    }

    /// One read-write connection and its two prepared statements; used by one thread at a time.
    final class Connection: @unchecked Sendable {
        let file: SQLiteFileConnection
        var redeem: OpaquePointer { file.statements[0] }
        var insert: OpaquePointer { file.statements[1] }

        init(path: String) throws {
            typealias Tokens = OIDCTokensTable
            typealias Revoked = OIDCRevokedFamiliesTable
            file = try SQLiteFileConnection(path: path, busyTimeout: 5_000, prepare: [
                """
                UPDATE \(Tokens.table.name) SET \(Tokens.redemptions.name) = \(Tokens.redemptions.name) + 1
                WHERE \(Tokens.hash.name) = ?1 AND \(Tokens.kind.name) = 'refresh'
                AND NOT EXISTS (SELECT 1 FROM \(Revoked.table.name) WHERE \(Revoked.family.name) = \(Tokens.table.name).\(Tokens.family.name))
                RETURNING \(Tokens.record.name), \(Tokens.redemptions.name)
                """,
                "INSERT INTO \(Tokens.table.name) (\(Tokens.hash.name), \(Tokens.kind.name), \(Tokens.family.name), "
                    + "\(Tokens.record.name), \(Tokens.redemptions.name), \(Tokens.expiresAt.name)) VALUES (?1, ?2, ?3, ?4, 0, ?5)",
            ])
        }

        func rotate(hash: String, successors: (TokenRecord) throws -> IssuedTokens) throws -> Redemption<TokenRecord>? {
            try file.inWriteTransaction { try redeemAndInsert(hash: hash, successors: successors) }
        }

        private func redeemAndInsert(hash: String, successors: (TokenRecord) throws -> IssuedTokens) throws -> Redemption<TokenRecord>? {
            defer {
                sqlite_nio_sqlite3_reset(redeem)
                sqlite_nio_sqlite3_clear_bindings(redeem)
            }
            guard sqlite_nio_sqlite3_bind_text(redeem, 1, hash, -1, SQLiteFileConnection.transient) == SQLITE_OK else { throw SQLiteFileConnection.Failure(description: "cannot bind the hash") }
            switch sqlite_nio_sqlite3_step(redeem) {
            case SQLITE_DONE:
                return nil
            case SQLITE_ROW:
                let length = Int(sqlite_nio_sqlite3_column_bytes(redeem, 0))
                guard let bytes = sqlite_nio_sqlite3_column_blob(redeem, 0), length > 0 else { throw SQLiteFileConnection.Failure(description: "a token row has no record") }
                let record = try SQLIdentityProviderStorage.decoder.decode(TokenRecord.self, from: Data(bytes: bytes, count: length))
                guard sqlite_nio_sqlite3_column_int64(redeem, 1) == 1 else { return .replayed(record) }
                let issued = try successors(record)
                for (token, hash, kind) in [(issued.access.record, issued.access.hash, "access")] + (issued.refresh.map { [($0.record, $0.hash, "refresh")] } ?? []) {
                    try insertToken(token, hash: hash, kind: kind)
                }
                return .first(record)
            case let code:
                throw SQLiteFileConnection.Failure(description: "the redemption failed: \(String(cString: sqlite_nio_sqlite3_errstr(code)))")
            }
        }

        private func insertToken(_ record: TokenRecord, hash: String, kind: String) throws {
            defer {
                sqlite_nio_sqlite3_reset(insert)
                sqlite_nio_sqlite3_clear_bindings(insert)
            }
            let encoded = try SQLIdentityProviderStorage.encoder.encode(record)
            let bound = encoded.withUnsafeBytes { bytes in
                sqlite_nio_sqlite3_bind_text(insert, 1, hash, -1, SQLiteFileConnection.transient) == SQLITE_OK
                    && sqlite_nio_sqlite3_bind_text(insert, 2, kind, -1, SQLiteFileConnection.transient) == SQLITE_OK
                    && sqlite_nio_sqlite3_bind_text(insert, 3, record.grant.family, -1, SQLiteFileConnection.transient) == SQLITE_OK
                    && sqlite_nio_sqlite3_bind_blob(insert, 4, bytes.baseAddress, Int32(bytes.count), SQLiteFileConnection.transient) == SQLITE_OK
                    && sqlite_nio_sqlite3_bind_int64(insert, 5, Int64(record.expiresAt.timeIntervalSince1970)) == SQLITE_OK
            }
            guard bound else { throw SQLiteFileConnection.Failure(description: "cannot bind a token") }
            let code = sqlite_nio_sqlite3_step(insert)
            guard code == SQLITE_DONE else { throw SQLiteFileConnection.Failure(description: "the token insert failed: \(String(cString: sqlite_nio_sqlite3_errstr(code)))") }
        }
    }
}
