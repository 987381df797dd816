import Crypto
import Fluent
import Foundation
import LicnaBasics
import SQLKit

/// Single-use challenges for card-signed tokens (STANDARDS.md, "The card-signed token"), kept per purpose so that a
/// token made for one purpose is refused by another. Each nonce is 32 random bytes, sent as base64; the store keeps
/// it with its purpose, what it is bound to (a card's certificate serials) and its end. One nonce per
/// purpose and binding is outstanding: a new one replaces the old.
struct CardNonceStore: Sendable {
    enum Purpose: String, Sendable {
        case activation, resumption
        case signIn = "sign-in"
        /// A mandate's signature: the nonce ends with the SHA-256 of the mandate's statement.
        case mandate
    }

    static let lifetime: TimeInterval = 300

    let database: any Database
    let clock: any WallClock

    /// A fresh nonce for `purpose`, bound to `binding`; replaces any earlier one of the same purpose and binding.
    /// `content` (a digest of what the signature is to cover) follows the 32 random bytes, so that a card's signature
    /// over the nonce covers it too.
    func issue(_ purpose: Purpose, binding: String, content: Data = Data()) async throws -> (nonce: String, expiresAt: Date) {
        let nonce = (Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }) + content).base64EncodedString()
        let expires = clock.now.addingTimeInterval(Self.lifetime)
        typealias Nonces = AuthNoncesTable
        try await database.retryingTransaction { db in
            let sql = db.sql
            try await sql.delete(from: Nonces.table).where(Nonces.purpose, .equal, purpose.rawValue)
                .where(Nonces.binding, .equal, binding).run()
            // Expired nonces of anyone go at the same time: the table holds only live ones.
            try await sql.delete(from: Nonces.table).where(Nonces.expiresAt, .lessThan, Int64(clock.now.timeIntervalSince1970)).run()
            try await sql.insert(into: Nonces.table).columns(Nonces.nonce, Nonces.purpose, Nonces.binding, Nonces.expiresAt)
                .values(SQLBind(nonce), SQLBind(purpose.rawValue), SQLBind(binding), SQLBind(Int64(expires.timeIntervalSince1970)))
                .run()
        }
        return (nonce, expires)
    }

    /// Takes the outstanding nonce of `purpose` for `binding`, once: it is deleted whether or not what follows
    /// succeeds, so a token can never be replayed. Returns nil when there is none or it has expired.
    func consume(_ purpose: Purpose, binding: String, on database: any Database) async throws -> String? {
        typealias Nonces = AuthNoncesTable
        let rows = try await database.sql.delete(from: Nonces.table).where(Nonces.purpose, .equal, purpose.rawValue)
            .where(Nonces.binding, .equal, binding).returning(Nonces.nonce, Nonces.expiresAt).all()
        guard let row = rows.first else { return nil }
        let expires = try row.decode(column: Nonces.expiresAt.name, as: Int64.self)
        guard Int64(clock.now.timeIntervalSince1970) <= expires else { return nil }
        return try row.decode(column: Nonces.nonce.name, as: String.self)
    }
}
