import Foundation

/// What a person's sign-in and consent granted one relying party: shared by the authorization code, the access and
/// refresh tokens made from it, and the ID tokens. `family` names every token descended from one authorization
/// code, so that a replayed code or refresh token revokes them all (RFC 6749 §4.1.2, §10.4; RFC 9700 §4.14.2).
public struct Grant: Sendable, Hashable, Codable {
    public var family: String
    public var clientID: String
    /// The account's stable internal identifier (never sent; `sub` is derived from it per relying party).
    public var accountID: String
    public var scopes: [String]
    /// The claims this relying party may receive and the person consented to.
    public var claims: [String]
    public var level: LevelOfAssurance
    /// Authentication methods (RFC 8176): `pwd`, `otp`, `mfa`, `hwk`, `sc`, `pin`.
    public var methods: [String]
    public var authenticatedAt: Date
    public var nonce: String?

    public init(family: String, clientID: String, accountID: String, scopes: [String], claims: [String], level: LevelOfAssurance,
                methods: [String], authenticatedAt: Date, nonce: String?) {
        self.family = family
        self.clientID = clientID
        self.accountID = accountID
        self.scopes = scopes
        self.claims = claims
        self.level = level
        self.methods = methods
        self.authenticatedAt = authenticatedAt
        self.nonce = nonce
    }
}

/// A stored authorization code: the grant, where it may be redeemed and the PKCE challenge it must answer.
public struct AuthorizationCodeRecord: Sendable, Hashable, Codable {
    public var grant: Grant
    public var redirectURI: String
    public var codeChallenge: String?
    public var expiresAt: Date

    public init(grant: Grant, redirectURI: String, codeChallenge: String?, expiresAt: Date) {
        self.grant = grant
        self.redirectURI = redirectURI
        self.codeChallenge = codeChallenge
        self.expiresAt = expiresAt
    }
}

/// A stored access token (opaque to clients; by hash) or refresh token.
public struct TokenRecord: Sendable, Hashable, Codable {
    public var grant: Grant
    public var expiresAt: Date

    public init(grant: Grant, expiresAt: Date) {
        self.grant = grant
        self.expiresAt = expiresAt
    }
}

/// How a token or code was found when it was redeemed.
public enum Redemption<Record: Sendable>: Sendable {
    /// First use: the record is now marked used.
    case first(Record)
    /// It had been used before: a replay. The record, so that its family can be revoked.
    case replayed(Record)
}
