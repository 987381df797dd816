import Crypto
import Foundation
import LicnaBasics

/// How a person signed in, as the login interaction established it (outside this module: the password, TOTP and
/// eID-card pages). The protocol core only carries it into codes and tokens.
public struct SignIn: Sendable, Hashable {
    public var accountID: String
    public var level: LevelOfAssurance
    /// RFC 8176 method references.
    public var methods: [String]
    public var authenticatedAt: Date

    public init(accountID: String, level: LevelOfAssurance, methods: [String], authenticatedAt: Date) {
        self.accountID = accountID
        self.level = level
        self.methods = methods
        self.authenticatedAt = authenticatedAt
    }
}

/// The OpenID Connect provider's protocol core: the authorization and token endpoints, userinfo, discovery and
/// JWKS, with no web framework (the server maps requests in and answers out). Codes live 60 seconds and are single
/// use; access tokens are opaque and live 10 minutes; refresh tokens rotate at every use, and a refresh token or
/// code used twice revokes everything descended from the same authorization.
public struct OpenIDProvider: Sendable {
    public struct Configuration: Sendable {
        /// The issuer identifier: the installation's public https URL (Core §2; Discovery §3).
        public var issuer: String
        public var codeLifetime: TimeInterval = 60
        public var accessTokenLifetime: TimeInterval = 600
        public var idTokenLifetime: TimeInterval = 600
        public var refreshTokenLifetime: TimeInterval = 30 * 86_400

        public init(issuer: String) {
            self.issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        }

        public var authorizationEndpoint: String { issuer + "/oidc/authorize" }
        public var tokenEndpoint: String { issuer + "/oidc/token" }
        public var userinfoEndpoint: String { issuer + "/oidc/userinfo" }
        public var jwksURI: String { issuer + "/oidc/jwks" }
        public var endSessionEndpoint: String { issuer + "/oidc/logout" }
    }

    public let configuration: Configuration
    let codes: any AuthorizationCodeStorage
    let tokens: any TokenStorage
    let parties: any RelyingPartyStorage
    let replays: any AssertionReplayStorage
    let claimsSource: any AccountClaimsSource
    let keys: SigningKeys
    let pairwise: PairwiseSubject
    let clock: any WallClock
    let clientKeys: (any ClientKeySource)?

    public init(configuration: Configuration, codes: any AuthorizationCodeStorage, tokens: any TokenStorage, parties: any RelyingPartyStorage,
                replays: any AssertionReplayStorage, claims: any AccountClaimsSource, keys: SigningKeys, pairwise: PairwiseSubject,
                clock: any WallClock, clientKeys: (any ClientKeySource)? = nil) {
        self.clientKeys = clientKeys
        self.configuration = configuration
        self.codes = codes
        self.tokens = tokens
        self.parties = parties
        self.replays = replays
        self.claimsSource = claims
        self.keys = keys
        self.pairwise = pairwise
        self.clock = clock
    }

    // MARK: Authorization endpoint

    /// Parses an authentication request (see `AuthorizationRequest.parse`).
    public func parse(_ parameters: [String: String], repeated: Set<String> = []) async throws -> AuthorizationRequest.Outcome {
        try await AuthorizationRequest.parse(parameters, repeated: repeated, storage: parties)
    }

    /// Ends an authorization after the sign-in and consent: the redirect that carries a new code, or the error.
    /// A sign-in below the level the request requires never yields a code (Core §5.5.1.1: an essential `acr` that
    /// cannot be met is a failed authentication, not a lower `acr`).
    public func authorize(_ request: AuthorizationRequest, signIn: SignIn, consented: Bool) async throws -> URL {
        guard consented else {
            return try redirect(request.redirectURI, error: .init(.accessDenied, "the person did not consent"), state: request.state)
        }
        guard signIn.level >= request.requiredLevel else {
            return try redirect(request.redirectURI,
                                error: .init(.unmetAuthenticationRequirements, "this sign-in did not reach the level required (\(request.requiredLevel.uri))"),
                                state: request.state)
        }
        let code = Self.newToken()
        let grant = Grant(family: UUID().uuidString.lowercased(), clientID: request.client.id, accountID: signIn.accountID, scopes: request.scopes,
                          claims: request.claims, level: signIn.level, methods: signIn.methods, authenticatedAt: signIn.authenticatedAt,
                          nonce: request.nonce)
        try await codes.save(AuthorizationCodeRecord(grant: grant, redirectURI: request.redirectURI, codeChallenge: request.codeChallenge,
                                                     expiresAt: clock.now.addingTimeInterval(configuration.codeLifetime)),
                             hash: Self.hash(code))
        return try Self.url(request.redirectURI, adding: [("code", code)] + (request.state.map { [("state", $0)] } ?? []) + [("iss", configuration.issuer)])
    }

    /// The redirect that carries an error to the client (RFC 6749 §4.1.2.1), with `iss` (RFC 9207).
    public func redirect(_ redirectURI: String, error: OAuthError, state: String?) throws -> URL {
        try Self.url(redirectURI, adding: error.fields + (state.map { [("state", $0)] } ?? []) + [("iss", configuration.issuer)])
    }

    // MARK: Token endpoint

    /// A successful token response (RFC 6749 §5.1; Core §3.1.3.3).
    public struct TokenResponse: Sendable {
        public var accessToken: String
        public var refreshToken: String?
        public var idToken: String
        public var expiresIn: Int
        public var scope: String

        public var json: [String: Any] {
            var body: [String: Any] = ["access_token": accessToken, "token_type": "Bearer", "id_token": idToken, "expires_in": expiresIn, "scope": scope]
            if let refreshToken { body["refresh_token"] = refreshToken }
            return body
        }
    }

    /// Serves a token request: `authorization_code` or `refresh_token`.
    public func token(_ request: TokenRequest) async throws -> TokenResponse {
        let authenticator = ClientAuthenticator(storage: parties, replays: replays,
                                                audiences: [configuration.tokenEndpoint, configuration.issuer], now: { [clock] in clock.now },
                                                keySource: clientKeys)
        let client = try await authenticator.authenticate(request)
        switch request.form["grant_type"] {
        case "authorization_code": return try await redeemCode(request.form, client: client)
        case "refresh_token": return try await refresh(request.form, client: client)
        case nil: throw OAuthError.invalidRequest("grant_type is missing")
        default: throw OAuthError(.unsupportedGrantType, "grant_type must be authorization_code or refresh_token")
        }
    }

    private func redeemCode(_ form: [String: String], client: RelyingParty) async throws -> TokenResponse {
        guard let code = form["code"], code.utf8.count <= 512 else { throw OAuthError.invalidRequest("code is missing") }
        guard let redemption = try await codes.redeem(hash: Self.hash(code)) else { throw OAuthError.invalidGrant("the code is unknown or expired") }
        let record: AuthorizationCodeRecord
        switch redemption {
        case .replayed(let used):
            // RFC 6749 §4.1.2: a code used twice revokes the tokens issued from it.
            if used.grant.clientID == client.id { try await tokens.revokeFamily(used.grant.family) }
            throw OAuthError.invalidGrant("the code was already used; the tokens issued from it are revoked")
        case .first(let first):
            record = first
        }
        guard record.grant.clientID == client.id else { throw OAuthError.invalidGrant("the code was issued to another client") }
        guard record.expiresAt > clock.now else { throw OAuthError.invalidGrant("the code has expired (codes live 60 seconds)") }
        guard try await !tokens.isRevoked(family: record.grant.family) else { throw OAuthError.invalidGrant("the authorization was revoked") }
        guard form["redirect_uri"] == record.redirectURI else {
            throw OAuthError.invalidGrant("redirect_uri differs from the authorization request's")
        }
        if let challenge = record.codeChallenge {
            guard let verifier = form["code_verifier"], ProofKeyForCodeExchange.verify(verifier, against: challenge) else {
                throw OAuthError.invalidGrant("code_verifier does not match the code_challenge (PKCE)")
            }
        } else if form["code_verifier"] != nil {
            throw OAuthError.invalidGrant("code_verifier given for a code requested without PKCE")
        }
        return try await issueTokens(record.grant, client: client, withRefreshToken: true)
    }

    /// The refresh grant (RFC 6749 §6) with rotation: the presented token is redeemed and its successors saved in
    /// one step of the storage (one transaction in SQL), so a grant costs one durable write.
    private func refresh(_ form: [String: String], client: RelyingParty) async throws -> TokenResponse {
        guard let token = form["refresh_token"], token.utf8.count <= 512 else { throw OAuthError.invalidRequest("refresh_token is missing") }
        let now = clock.now
        let access = Self.newToken(), refresh = Self.newToken()
        let (accessLifetime, refreshLifetime) = (configuration.accessTokenLifetime, configuration.refreshTokenLifetime)
        let successors: @Sendable (TokenRecord) throws -> IssuedTokens = { record in
            let grant = try Self.refreshedGrant(record, scope: form["scope"], client: client, now: now)
            return IssuedTokens(access: (TokenRecord(grant: grant, expiresAt: now.addingTimeInterval(accessLifetime)), Self.hash(access)),
                                refresh: (TokenRecord(grant: grant, expiresAt: now.addingTimeInterval(refreshLifetime)), Self.hash(refresh)))
        }
        guard let redemption = try await tokens.rotateRefreshToken(hash: Self.hash(token), successors: successors) else {
            throw OAuthError.invalidGrant("the refresh token is unknown, expired or revoked")
        }
        switch redemption {
        case .replayed(let used):
            // Rotation's reuse detection (RFC 9700 §4.14.2): a rotated token presented again means it leaked.
            try await tokens.revokeFamily(used.grant.family)
            throw OAuthError.invalidGrant("the refresh token was already used; every token of this sign-in is revoked")
        case .first(let record):
            let grant = try Self.refreshedGrant(record, scope: form["scope"], client: client, now: now)
            let idToken = try await self.idToken(grant, client: client, accessToken: access, now: now)
            return TokenResponse(accessToken: access, refreshToken: refresh, idToken: idToken, expiresIn: Int(accessLifetime),
                                 scope: grant.scopes.joined(separator: " "))
        }
    }

    /// The grant a refresh token's successors carry: the same client, not expired, the scope only narrowed, no nonce.
    static func refreshedGrant(_ record: TokenRecord, scope: String?, client: RelyingParty, now: Date) throws -> Grant {
        guard record.grant.clientID == client.id else { throw OAuthError.invalidGrant("the refresh token was issued to another client") }
        guard record.expiresAt > now else { throw OAuthError.invalidGrant("the refresh token has expired") }
        var grant = record.grant
        if let scope {
            let narrowed = scope.split(separator: " ").map(String.init)
            guard Set(narrowed).isSubset(of: grant.scopes) else {
                throw OAuthError(.invalidScope, "a refresh may only narrow the scope granted")
            }
            grant.scopes = narrowed
        }
        grant.nonce = nil  // Core §12.2: a refreshed ID token carries no nonce
        return grant
    }

    private func issueTokens(_ grant: Grant, client: RelyingParty, withRefreshToken: Bool) async throws -> TokenResponse {
        let now = clock.now
        let access = Self.newToken()
        let refresh = withRefreshToken ? Self.newToken() : nil
        try await tokens.saveTokens(
            access: (TokenRecord(grant: grant, expiresAt: now.addingTimeInterval(configuration.accessTokenLifetime)), Self.hash(access)),
            refresh: refresh.map { (TokenRecord(grant: grant, expiresAt: now.addingTimeInterval(configuration.refreshTokenLifetime)), Self.hash($0)) })
        let idToken = try await self.idToken(grant, client: client, accessToken: access, now: now)
        return TokenResponse(accessToken: access, refreshToken: refresh, idToken: idToken, expiresIn: Int(configuration.accessTokenLifetime),
                             scope: grant.scopes.joined(separator: " "))
    }

    /// The ID token (Core §2, §3.1.3.6): signed ES256 with the current key.
    func idToken(_ grant: Grant, client: RelyingParty, accessToken: String, now: Date) async throws -> String {
        var claims: [String: Any] = [
            "iss": configuration.issuer, "sub": pairwise.subject(accountID: grant.accountID, sector: client.sectorIdentifier),
            "aud": client.id, "azp": client.id, "iat": Int(now.timeIntervalSince1970),
            "exp": Int(now.addingTimeInterval(configuration.idTokenLifetime).timeIntervalSince1970),
            "auth_time": Int(grant.authenticatedAt.timeIntervalSince1970), "acr": grant.level.uri, "amr": grant.methods,
            "at_hash": Self.leftHalfHash(accessToken),
        ]
        if let nonce = grant.nonce { claims["nonce"] = nonce }
        for (name, value) in try await claimsSource.claims(accountID: grant.accountID, names: grant.claims) where grant.claims.contains(name) {
            claims[name] = name == "email_verified" ? (value == "true") as Any : value as Any
        }
        return try JSONWebSignature.sign(claims, with: keys.current.privateKey, keyID: keys.current.keyID)
    }

    // MARK: Userinfo, discovery, keys

    /// The userinfo answer (Core §5.3) for a bearer access token (RFC 6750 §2.1): `sub` as in the ID token and the
    /// consented claims.
    public func userinfo(authorization: String?) async throws -> [String: Any] {
        guard let header = authorization, header.utf8.count <= 1024, header.lowercased().hasPrefix("bearer ") else {
            throw OAuthError(.invalidToken, "send the access token as Authorization: Bearer")
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        guard let record = try await tokens.accessToken(hash: Self.hash(token)), record.expiresAt > clock.now else {
            throw OAuthError(.invalidToken, "the access token is unknown, expired or revoked")
        }
        guard let client = try await parties.relyingParty(id: record.grant.clientID) else {
            throw OAuthError(.invalidToken, "the access token's client is no longer registered")
        }
        var answer: [String: Any] = ["sub": pairwise.subject(accountID: record.grant.accountID, sector: client.sectorIdentifier)]
        for (name, value) in try await claimsSource.claims(accountID: record.grant.accountID, names: record.grant.claims)
        where record.grant.claims.contains(name) {
            answer[name] = name == "email_verified" ? (value == "true") as Any : value as Any
        }
        return answer
    }

    /// The discovery document (OpenID Connect Discovery 1.0 §3).
    public var discovery: [String: Any] {
        [
            "issuer": configuration.issuer,
            "authorization_endpoint": configuration.authorizationEndpoint,
            "token_endpoint": configuration.tokenEndpoint,
            "userinfo_endpoint": configuration.userinfoEndpoint,
            "jwks_uri": configuration.jwksURI,
            "end_session_endpoint": configuration.endSessionEndpoint,
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt", "none"],
            "token_endpoint_auth_signing_alg_values_supported": ["ES256", "RS256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email", "identification_number", "offline_access"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "at_hash",
                                 "given_name", "family_name", "birthdate", "email", "email_verified", "identification_number"],
            "acr_values_supported": LevelOfAssurance.allCases.map(\.uri),
            "claims_parameter_supported": true,
            "request_parameter_supported": false,
            "request_uri_parameter_supported": false,
            "authorization_response_iss_parameter_supported": true,
        ]
    }

    public var jwks: [String: Any] { keys.jwks }

    // MARK: Helpers

    /// 256 random bits, base64url: codes and tokens.
    static func newToken() -> String {
        Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64URLEncoded
    }

    /// What storage keeps of a code or token (and of the server's other bearer secrets: sessions, emailed links,
    /// officer tokens): the SHA-256 in base64url.
    public static func hash(_ token: String) -> String {
        Data(SHA256.hash(data: Data(token.utf8))).base64URLEncoded
    }

    /// `at_hash` (Core §3.1.3.6): the left half of the SHA-256 of the access token, base64url.
    static func leftHalfHash(_ token: String) -> String {
        Data(Data(SHA256.hash(data: Data(token.utf8))).prefix(16)).base64URLEncoded
    }

    static func url(_ base: String, adding parameters: [(name: String, value: String)]) throws -> URL {
        guard var components = URLComponents(string: base) else {
            throw OAuthError(.serverError, "the registered redirect URI is not a URL", debug: base)
        }
        components.queryItems = (components.queryItems ?? []) + parameters.map { URLQueryItem(name: $0.name, value: $0.value) }
        // URLComponents leaves "+" as is, which form decoding would read as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.url else { throw OAuthError(.serverError, "the registered redirect URI is not a URL", debug: base) }
        return url
    }
}
