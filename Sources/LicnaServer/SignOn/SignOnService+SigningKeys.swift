import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import NIOConcurrencyHelpers
import SQLKit

/// The provider's ES256 signing keys and their rotation (issue 13, item 1; OpenID Connect Core §10.1.1: publish the
/// new key, then sign with it). Each key is sealed under a master-key subkey, bound to its row.
///
/// - A new key is published at once and signs a day later (`prepublication`), so relying parties that cache the
///   JWKS have it before the first token signed with it; the first key of an installation signs at once.
/// - The key before keeps being published for a day after it stops signing (`afterlife`), for tokens signed with it.
/// - A key that has signed for `lifetime` (90 days) is followed by a new one automatically.
/// - `rotateSigningKey(immediately:)` is the operator's: a planned rotation, or, after a suspected compromise, a key
///   that signs at once while the old ones leave the JWKS at once.
/// Keys are cached for a minute per process, so that a token request does not open them; a rotation on another
/// server is seen within that minute.
extension SignOnService {
    static let signingKeyPrepublication: TimeInterval = 86_400
    static let signingKeyAfterlife: TimeInterval = 86_400
    static let signingKeyLifetime: TimeInterval = 90 * 86_400

    private var keySealing: SymmetricKey { services.configuration.masterKey.derive(purpose: "oidc-signing-keys", version: 1) }

    private struct KeyRow {
        var keyID: String
        var sealed: Data
        var createdAt: Int64
        var retiredAt: Int64?
    }

    func signingKeys() async throws -> SigningKeys {
        let now = clock.now
        if let cached = services.signingKeyCache.keys(at: now) { return cached }
        var rows = try await keyRows()
        if rows.isEmpty {
            try await insertKey(signsFrom: now, retiringOthers: nil)
            rows = try await keyRows()
        }
        var schedule = Self.schedule(rows, now: Int64(now.timeIntervalSince1970))
        if let due = schedule.rotationDue, due {
            try await insertKey(signsFrom: now.addingTimeInterval(Self.signingKeyPrepublication), retiringOthers: nil)
            rows = try await keyRows()
            schedule = Self.schedule(rows, now: Int64(now.timeIntervalSince1970))
        }
        if !schedule.retire.isEmpty {
            // Keys older than the one that signs now stop signing: published for their afterlife, then gone.
            let retiredAt = Int64(now.timeIntervalSince1970)
            let retire = schedule.retire
            try await database.retryingTransaction { db in
                try await db.sql.update(OIDCSigningKeysTable.table).set(OIDCSigningKeysTable.retiredAt, to: retiredAt)
                    .where(OIDCSigningKeysTable.keyID, .in, retire).where(OIDCSigningKeysTable.retiredAt, .is, SQLLiteral.null).run()
            }
        }
        guard let current = schedule.current else { throw SignOnError(.signOnKeyMismatch) }
        let keys = SigningKeys(current: try open(current), previous: try schedule.published.filter { $0.keyID != current.keyID }.map(open))
        services.signingKeyCache.store(keys, at: now)
        return keys
    }

    /// The operator's rotation (`licna signon rotate-key`): a new key, published now and signing in a day; with
    /// `immediately` (a suspected compromise) it signs at once and every older key leaves the JWKS at once, so that
    /// tokens signed with them stop verifying. Audited. Returns the new key's id.
    public func rotateSigningKey(immediately: Bool, context: AuditContext) async throws -> String {
        let now = clock.now
        let keyID = try await insertKey(signsFrom: immediately ? now : now.addingTimeInterval(Self.signingKeyPrepublication),
                                        retiringOthers: immediately ? Int64(now.timeIntervalSince1970 - Self.signingKeyAfterlife) - 1 : nil)
        try await services.audit.append(context.event(.signOnKeyRotate, .signingKey, keyID,
                                                      detail: immediately ? "new signing key, signing at once; older keys withdrawn" : "new signing key, signing in a day"),
                                        on: database)
        services.signingKeyCache.clear()
        return keyID
    }

    /// What the rows say at `now`: the key that signs (the newest whose time has come, or the newest of all when none
    /// has), the keys published (every live key and those retired within their afterlife), live keys older than the
    /// one that signs (to retire), and whether the signing key has lived its lifetime with no successor yet.
    private static func schedule(_ rows: [KeyRow], now: Int64) -> (current: KeyRow?, published: [KeyRow], retire: [String], rotationDue: Bool?) {
        let live = rows.filter { $0.retiredAt == nil }.sorted { ($0.createdAt, $0.keyID) > ($1.createdAt, $1.keyID) }
        guard let current = live.first(where: { $0.createdAt <= now }) ?? live.last else { return (nil, [], [], nil) }
        let published = rows.filter { row in row.retiredAt.map { $0 > now - Int64(signingKeyAfterlife) } ?? true }
            .sorted { ($0.createdAt, $0.keyID) > ($1.createdAt, $1.keyID) }
        let retire = live.filter { $0.createdAt < current.createdAt }.map(\.keyID)
        let successor = live.contains { $0.createdAt > current.createdAt }
        return (current, published, retire, !successor && current.createdAt <= now - Int64(signingKeyLifetime))
    }

    private func keyRows() async throws -> [KeyRow] {
        typealias Keys = OIDCSigningKeysTable
        return try await database.sql.select().columns(Keys.keyID, Keys.sealedKey, Keys.createdAt, Keys.retiredAt).from(Keys.table).all().map {
            KeyRow(keyID: try $0.decode(column: Keys.keyID.name, as: String.self), sealed: try $0.decode(column: Keys.sealedKey.name, as: Data.self),
                   createdAt: try $0.decode(column: Keys.createdAt.name, as: Int64.self),
                   retiredAt: try $0.decode(column: Keys.retiredAt.name, as: Int64?.self))
        }
    }

    /// A new key whose `created_at` is when it starts signing. `retiringOthers` marks every other key retired at
    /// that time (a time far enough back takes them out of the JWKS at once).
    @discardableResult
    private func insertKey(signsFrom: Date, retiringOthers: Int64?) async throws -> String {
        typealias Keys = OIDCSigningKeysTable
        let key = SigningKeys.Key(P256.Signing.PrivateKey())
        let sealed = try AES.GCM.seal(key.privateKey.rawRepresentation, using: keySealing,
                                      authenticating: Data("oidc_signing_keys/\(key.keyID)".utf8)).combined ?? Data()
        try await database.retryingTransaction { db in
            if let retiringOthers {
                try await db.sql.update(Keys.table).set(Keys.retiredAt, to: retiringOthers).run()
            }
            try await db.sql.insert(into: Keys.table).columns(Keys.keyID, Keys.sealedKey, Keys.createdAt)
                .values(SQLBind(key.keyID), SQLBind(sealed), SQLBind(Int64(signsFrom.timeIntervalSince1970))).run()
        }
        return key.keyID
    }

    private func open(_ row: KeyRow) throws -> SigningKeys.Key {
        guard let box = try? AES.GCM.SealedBox(combined: row.sealed),
              let raw = try? AES.GCM.open(box, using: keySealing, authenticating: Data("oidc_signing_keys/\(row.keyID)".utf8)) else {
            throw SignOnError(.signOnKeyMismatch)
        }
        let key = SigningKeys.Key(try P256.Signing.PrivateKey(rawRepresentation: raw))
        guard key.keyID == row.keyID else { throw SignOnError(.signOnKeyMismatch) }
        return key
    }
}

/// The signing keys one process uses, kept for a minute.
final class SigningKeyCache: Sendable {
    private let entry = NIOLockedValueBox<(keys: SigningKeys, loadedAt: Date)?>(nil)
    static let lifetime: TimeInterval = 60

    func keys(at now: Date) -> SigningKeys? {
        entry.withLockedValue { cached in
            guard let cached, now >= cached.loadedAt, now.timeIntervalSince(cached.loadedAt) < Self.lifetime else { return nil }
            return cached.keys
        }
    }

    func store(_ keys: SigningKeys, at now: Date) { entry.withLockedValue { $0 = (keys, now) } }

    func clear() { entry.withLockedValue { $0 = nil } }
}
