import Fluent

// Single sign-on's tables (issue 13). Codes and tokens are kept by the SHA-256 of their value (base64url), never the
// value; the grant they carry is JSON (account id, client, scopes, level: no personal data). Times are Unix seconds.

/// `accounts`: people who sign in. The password as an scrypt hash (`PasswordHash`), never in clear.
enum AccountsTable {
    static let id = SchemaColumn("id", .text, .identifier(generated: false))
    /// Lower-cased; unique. None for an account made by an eID sign-in (it has no password either).
    static let email = SchemaColumn("email", .text, .optional)
    static let emailVerified = SchemaColumn("email_verified", .integer)
    static let passwordHash = SchemaColumn("password_hash", .text, .optional)
    /// Set when the account is linked to a registry person (eID sign-in, or an officer at a service point).
    static let personID = SchemaColumn("person_id", .text, .optional)
    /// The TOTP secret (RFC 6238), sealed under the master key and bound to the account.
    static let totpSealed = SchemaColumn("totp_sealed", .blob, .optional)
    /// The time step of the last code accepted: a code is accepted once.
    static let totpLastStep = SchemaColumn("totp_last_step", .bigInteger, .optional)
    /// Officer roles (`OfficerRole`), space-separated; none for a citizen.
    static let roles = SchemaColumn("roles", .text, .optional)
    static let createdAt = SchemaColumn("created_at", .bigInteger)

    static let table = SchemaTable("accounts", columns: [id, email, emailVerified, passwordHash, personID, totpSealed, totpLastStep, roles, createdAt],
                                   uniques: [[email]], backup: .columns(orderedBy: id))
}

/// `oidc_clients`: registered relying parties; the registration as JSON (`RelyingParty`, the secret only hashed).
enum OIDCClientsTable {
    static let id = SchemaColumn("id", .text, .identifier(generated: false))
    static let registration = SchemaColumn("registration", .blob)
    static let createdAt = SchemaColumn("created_at", .bigInteger)

    static let table = SchemaTable("oidc_clients", columns: [id, registration, createdAt], backup: .columns(orderedBy: id))
}

/// `oidc_codes`: authorization codes (60 seconds), with the count of redemptions (a second one is a replay).
enum OIDCCodesTable {
    static let hash = SchemaColumn("hash", .text, .identifier(generated: false))
    static let record = SchemaColumn("record", .blob)
    static let redemptions = SchemaColumn("redemptions", .integer)
    static let expiresAt = SchemaColumn("expires_at", .bigInteger)

    static let table = SchemaTable("oidc_codes", columns: [hash, record, redemptions, expiresAt],
                                   backup: .excluded(reason: "codes live 60 seconds; a restored one would be stale"))
}

/// `oidc_tokens`: access and refresh tokens, by family (every token descended from one authorization code).
enum OIDCTokensTable {
    static let hash = SchemaColumn("hash", .text, .identifier(generated: false))
    /// `access` or `refresh`.
    static let kind = SchemaColumn("kind", .text)
    static let family = SchemaColumn("family", .text)
    static let record = SchemaColumn("record", .blob)
    static let redemptions = SchemaColumn("redemptions", .integer)
    static let expiresAt = SchemaColumn("expires_at", .bigInteger)

    static let table = SchemaTable("oidc_tokens", columns: [hash, kind, family, record, redemptions, expiresAt],
                                   backup: .excluded(reason: "tokens are bearer secrets of running sessions; after a restore, relying parties sign in again"))
}

/// `oidc_revoked_families`: sign-ins whose tokens were revoked (a replayed code or refresh token).
enum OIDCRevokedFamiliesTable {
    static let family = SchemaColumn("family", .text, .identifier(generated: false))
    static let revokedAt = SchemaColumn("revoked_at", .bigInteger)

    static let table = SchemaTable("oidc_revoked_families", columns: [family, revokedAt],
                                   backup: .excluded(reason: "it only matters for tokens, which are not backed up either"))
}

/// `oidc_assertions`: client assertions' `jti` until they expire (single use, RFC 7523 §3).
enum OIDCAssertionsTable {
    static let key = SchemaColumn("key", .text, .identifier(generated: false))
    static let expiresAt = SchemaColumn("expires_at", .bigInteger)

    static let table = SchemaTable("oidc_assertions", columns: [key, expiresAt],
                                   backup: .excluded(reason: "assertions live minutes; a restored entry would be stale"))
}

/// `oidc_signing_keys`: the provider's ES256 keys, sealed under the master key, bound to their row.
enum OIDCSigningKeysTable {
    static let keyID = SchemaColumn("key_id", .text, .identifier(generated: false))
    static let sealedKey = SchemaColumn("sealed_key", .blob)
    static let createdAt = SchemaColumn("created_at", .bigInteger)
    /// When it stopped signing; it stays published for a day after.
    static let retiredAt = SchemaColumn("retired_at", .bigInteger, .optional)

    static let table = SchemaTable("oidc_signing_keys", columns: [keyID, sealedKey, createdAt, retiredAt], backup: .columns(orderedBy: keyID))
}

/// `signon_sessions`: browsers signed in to the provider (single sign-on across relying parties), by the SHA-256
/// of the cookie's value; the sign-in as JSON (account, level, methods, time: no personal data).
enum SignOnSessionsTable {
    static let hash = SchemaColumn("hash", .text, .identifier(generated: false))
    static let accountID = SchemaColumn("account_id", .text)
    static let signIn = SchemaColumn("sign_in", .blob)
    static let expiresAt = SchemaColumn("expires_at", .bigInteger)

    static let table = SchemaTable("signon_sessions", columns: [hash, accountID, signIn, expiresAt],
                                   backup: .excluded(reason: "sessions are bearer secrets of browsers; after a restore, people sign in again"))
}

/// `oidc_consents`: the claims a person agreed to give a relying party, remembered until withdrawn.
enum OIDCConsentsTable {
    /// `<account id>/<client id>`: one row per pair, and a unique order for the backup's pages.
    static let id = SchemaColumn("id", .text, .identifier(generated: false))
    static let accountID = SchemaColumn("account_id", .text)
    static let clientID = SchemaColumn("client_id", .text)
    /// Claim names, space-separated, sorted.
    static let claims = SchemaColumn("claims", .text)
    static let grantedAt = SchemaColumn("granted_at", .bigInteger)

    static let table = SchemaTable("oidc_consents", columns: [id, accountID, clientID, claims, grantedAt], backup: .columns(orderedBy: id))
}

/// `account_tokens`: single-use links sent by email (verification: 24 hours; password reset: 1 hour), by the SHA-256
/// of the token.
enum AccountTokensTable {
    static let hash = SchemaColumn("hash", .text, .identifier(generated: false))
    static let accountID = SchemaColumn("account_id", .text)
    /// `verify` or `reset`.
    static let purpose = SchemaColumn("purpose", .text)
    static let expiresAt = SchemaColumn("expires_at", .bigInteger)

    static let table = SchemaTable("account_tokens", columns: [hash, accountID, purpose, expiresAt],
                                   backup: .excluded(reason: "links live an hour or a day; a restored one would be stale"))
}

/// `officer_tokens`: officers' personal API tokens, by SHA-256; each with its own roles (at most the account's, and
/// checked against the account's roles at every use), an end, and a revocation time.
enum OfficerTokensTable {
    static let hash = SchemaColumn("hash", .text, .identifier(generated: false))
    static let id = SchemaColumn("id", .text)
    static let accountID = SchemaColumn("account_id", .text)
    static let name = SchemaColumn("name", .text)
    static let roles = SchemaColumn("roles", .text)
    static let createdAt = SchemaColumn("created_at", .bigInteger)
    static let expiresAt = SchemaColumn("expires_at", .bigInteger)
    static let revokedAt = SchemaColumn("revoked_at", .bigInteger, .optional)

    static let table = SchemaTable("officer_tokens", columns: [hash, id, accountID, name, roles, createdAt, expiresAt, revokedAt], uniques: [[id]],
                                   backup: .excluded(reason: "bearer credentials; after a restore, officers make new ones"))
}

/// `account_aliases`: ids of accounts merged into another (issue 13, item 4). The older account's id stays, so its
/// pairwise `sub` values stay; the newer id is kept here so that what still names it (tokens a relying party holds)
/// finds the account it became.
enum AccountAliasesTable {
    static let alias = SchemaColumn("alias", .text, .identifier(generated: false))
    static let accountID = SchemaColumn("account_id", .text)
    static let mergedAt = SchemaColumn("merged_at", .bigInteger)

    static let table = SchemaTable("account_aliases", columns: [alias, accountID, mergedAt], backup: .columns(orderedBy: alias))
}

/// The aliases of merged accounts (after `CreateSignOn`, which has landed).
struct CreateAccountAliases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await AccountAliasesTable.table.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await AccountAliasesTable.table.delete(on: database)
    }
}

struct CreateSignOn: AsyncMigration {
    static let tables = [AccountsTable.table, OIDCClientsTable.table, OIDCCodesTable.table, OIDCTokensTable.table,
                         OIDCRevokedFamiliesTable.table, OIDCAssertionsTable.table, OIDCSigningKeysTable.table,
                         SignOnSessionsTable.table, OIDCConsentsTable.table, AccountTokensTable.table,
                         OfficerTokensTable.table]

    func prepare(on database: any Database) async throws {
        for table in Self.tables { try await table.create(on: database) }
    }

    func revert(on database: any Database) async throws {
        for table in Self.tables.reversed() { try await table.delete(on: database) }
    }
}
