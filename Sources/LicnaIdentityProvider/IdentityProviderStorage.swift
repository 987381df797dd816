import Foundation

// Storage, one small protocol per artifact (as fosite's): codes and tokens are stored by the SHA-256 of their
// value, never the value. Every redemption is atomic: of two concurrent redemptions exactly one is `.first`.

/// Authorization codes.
public protocol AuthorizationCodeStorage: Sendable {
    func save(_ record: AuthorizationCodeRecord, hash: String) async throws
    /// Marks the code used and says whether it had been; nil for a code never issued (or forgotten after expiry).
    func redeem(hash: String) async throws -> Redemption<AuthorizationCodeRecord>?
}

/// Access and refresh tokens, and the revocation of a whole family.
public protocol TokenStorage: Sendable {
    func saveAccessToken(_ record: TokenRecord, hash: String) async throws
    /// A live access token: not expired is the caller's check; nil when unknown or its family was revoked.
    func accessToken(hash: String) async throws -> TokenRecord?
    func saveRefreshToken(_ record: TokenRecord, hash: String) async throws
    /// Saves the access token and the refresh token of one grant together (one write, where the storage can).
    func saveTokens(access: (record: TokenRecord, hash: String), refresh: (record: TokenRecord, hash: String)?) async throws
    /// Marks the refresh token used (rotation) and says whether it had been; nil when unknown or revoked.
    func redeemRefreshToken(hash: String) async throws -> Redemption<TokenRecord>?
    /// Rotation (RFC 9700 §4.14.2) in one write where the storage can: marks the refresh token used and, at its
    /// first redemption, saves the tokens `successors` makes of its record. When `successors` throws (another client,
    /// an expired token), what the storage wrote in the same step may be undone; the error reaches the caller.
    func rotateRefreshToken(hash: String, successors: @escaping @Sendable (TokenRecord) throws -> IssuedTokens) async throws -> Redemption<TokenRecord>?
    /// Revokes every access and refresh token of the family; codes of the family can no longer be redeemed.
    func revokeFamily(_ family: String) async throws
    func isRevoked(family: String) async throws -> Bool
}

/// The tokens one grant issues: an access token and, where the client may refresh, a refresh token (by hash).
public struct IssuedTokens: Sendable {
    public var access: (record: TokenRecord, hash: String)
    public var refresh: (record: TokenRecord, hash: String)?

    public init(access: (record: TokenRecord, hash: String), refresh: (record: TokenRecord, hash: String)?) {
        self.access = access
        self.refresh = refresh
    }
}

extension TokenStorage {
    public func saveTokens(access: (record: TokenRecord, hash: String), refresh: (record: TokenRecord, hash: String)?) async throws {
        try await saveAccessToken(access.record, hash: access.hash)
        if let refresh { try await saveRefreshToken(refresh.record, hash: refresh.hash) }
    }

    /// Two steps: the redemption, then the successors' save.
    public func rotateRefreshToken(hash: String, successors: @escaping @Sendable (TokenRecord) throws -> IssuedTokens) async throws -> Redemption<TokenRecord>? {
        guard let redemption = try await redeemRefreshToken(hash: hash) else { return nil }
        if case .first(let record) = redemption {
            let issued = try successors(record)
            try await saveTokens(access: issued.access, refresh: issued.refresh)
        }
        return redemption
    }
}

/// The `jti` of client assertions seen, until they expire (RFC 7523 §3, item 7: single use).
public protocol AssertionReplayStorage: Sendable {
    /// True the first time a (client, jti) pair is seen; false afterwards. Pairs whose `until` is before `now` may be
    /// forgotten (their assertions have expired).
    func claim(clientID: String, jti: String, until: Date, now: Date) async throws -> Bool
}

/// The registered relying parties.
public protocol RelyingPartyStorage: Sendable {
    func relyingParty(id: String) async throws -> RelyingParty?
}

/// The claims of an account, as the registry holds them, for the names asked.
/// Fetches the JWKS a client publishes at its `jwks_uri` (OpenID Connect Dynamic Client Registration §2), with a
/// cache of its own.
public protocol ClientKeySource: Sendable {
    /// The JWKS document at `uri`. `fresh` asks for a new fetch rather than the cached one: an assertion was signed by
    /// a key the cached set lacks (the client rotated its keys); the source may refuse to fetch too often.
    func jwks(at uri: String, fresh: Bool) async throws -> Data
}

public protocol AccountClaimsSource: Sendable {
    func claims(accountID: String, names: [String]) async throws -> [String: String]
}

/// In-memory storage of every artifact: for tests and the conformance suite, and a single-process development server.
public actor InMemoryIdentityProviderStorage: AuthorizationCodeStorage, TokenStorage, AssertionReplayStorage, RelyingPartyStorage {
    private var codes: [String: (record: AuthorizationCodeRecord, used: Bool)] = [:]
    private var accessTokens: [String: TokenRecord] = [:]
    private var refreshTokens: [String: (record: TokenRecord, used: Bool)] = [:]
    private var revokedFamilies: Set<String> = []
    private var assertions: [String: Date] = [:]
    private var parties: [String: RelyingParty] = [:]

    public init(relyingParties: [RelyingParty] = []) {
        for party in relyingParties { parties[party.id] = party }
    }

    public func add(_ party: RelyingParty) { parties[party.id] = party }
    public func relyingParty(id: String) -> RelyingParty? { parties[id] }

    public func save(_ record: AuthorizationCodeRecord, hash: String) { codes[hash] = (record, false) }

    public func redeem(hash: String) -> Redemption<AuthorizationCodeRecord>? {
        guard let entry = codes[hash] else { return nil }
        codes[hash]?.used = true
        return entry.used ? .replayed(entry.record) : .first(entry.record)
    }

    public func saveAccessToken(_ record: TokenRecord, hash: String) { accessTokens[hash] = record }

    public func accessToken(hash: String) -> TokenRecord? {
        guard let record = accessTokens[hash], !revokedFamilies.contains(record.grant.family) else { return nil }
        return record
    }

    public func saveRefreshToken(_ record: TokenRecord, hash: String) { refreshTokens[hash] = (record, false) }

    public func redeemRefreshToken(hash: String) -> Redemption<TokenRecord>? {
        guard let entry = refreshTokens[hash], !revokedFamilies.contains(entry.record.grant.family) else { return nil }
        refreshTokens[hash]?.used = true
        return entry.used ? .replayed(entry.record) : .first(entry.record)
    }

    public func revokeFamily(_ family: String) { revokedFamilies.insert(family) }
    public func isRevoked(family: String) -> Bool { revokedFamilies.contains(family) }

    public func claim(clientID: String, jti: String, until: Date, now: Date) -> Bool {
        assertions = assertions.filter { $0.value > now }
        let key = clientID + "\u{0}" + jti
        guard assertions[key] == nil else { return false }
        assertions[key] = until
        return true
    }
}
