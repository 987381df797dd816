import Foundation

/// An authentication request of the authorization code flow (OpenID Connect Core §3.1.2.1, RFC 6749 §4.1.1,
/// RFC 7636 §4.3), checked against its client's registration.
public struct AuthorizationRequest: Sendable, Hashable, Codable {
    public var client: RelyingParty
    public var redirectURI: String
    public var scopes: [String]
    public var state: String?
    public var nonce: String?
    public var codeChallenge: String?
    /// `prompt` values (§3.1.2.1): `none`, `login`, `consent`, `select_account`.
    public var prompts: Set<String>
    public var maxAge: Int?
    /// The level the sign-in must reach: the client's minimum, or an essential `acr` of the `claims` parameter.
    public var requiredLevel: LevelOfAssurance
    /// The level asked for voluntarily (`acr_values`), which the login page offers first.
    public var preferredLevel: LevelOfAssurance?
    /// The claims this relying party will get if the person consents: what it asked for (by scope or `claims`)
    /// and is entitled to.
    public var claims: [String]

    /// Claims each scope stands for (Core §5.4), plus Licna's `identification_number` scope.
    static let claimsOfScope: [String: [String]] = [
        "profile": ["given_name", "family_name", "birthdate"],
        "email": ["email", "email_verified"],
        "identification_number": ["identification_number"],
    ]

    /// What parsing can end in: a request to serve, an error to send back to the client's redirect URI, or an error
    /// to show the person, never redirected, when the client or its redirect URI cannot be trusted (RFC 6749 §4.1.2.1).
    public enum Outcome: Sendable {
        case valid(AuthorizationRequest)
        case redirectError(OAuthError, redirectURI: String, state: String?)
        case refused(OAuthError)
    }

    /// Checks the query (or form) parameters, each given at most once (§3.1.2.2: parameters must not repeat).
    public static func parse(_ parameters: [String: String], repeated: Set<String> = [], storage: any RelyingPartyStorage) async throws -> Outcome {
        for (name, value) in parameters where value.utf8.count > 4096 {
            return .refused(.invalidRequest("parameter \(name.prefix(40)) is longer than 4096 bytes"))
        }
        guard let clientID = parameters["client_id"], !repeated.contains("client_id") else {
            return .refused(.invalidRequest("client_id is missing or repeated"))
        }
        guard let client = try await storage.relyingParty(id: clientID) else {
            return .refused(.init(.invalidClient, "unknown client_id"))
        }
        guard let redirectURI = parameters["redirect_uri"], !repeated.contains("redirect_uri"), client.redirectURIs.contains(redirectURI) else {
            return .refused(.invalidRequest("redirect_uri is missing or not exactly one registered for this client"))
        }
        let state = parameters["state"]
        func fail(_ error: OAuthError) -> Outcome { .redirectError(error, redirectURI: redirectURI, state: state) }
        if let name = repeated.sorted().first { return fail(.invalidRequest("parameter \(name.prefix(40)) is repeated")) }
        if parameters["request"] != nil { return fail(.init(.requestNotSupported, "request objects are not supported")) }
        if parameters["request_uri"] != nil { return fail(.init(.requestURINotSupported, "request_uri is not supported")) }
        guard parameters["response_type"] == "code" else {
            return fail(.init(.unsupportedResponseType, "only response_type=code (the authorization code flow) is supported"))
        }
        if let mode = parameters["response_mode"], mode != "query" { return fail(.invalidRequest("only response_mode=query is supported")) }
        let scopes = (parameters["scope"] ?? "").split(separator: " ").map(String.init)
        guard scopes.contains("openid") else { return fail(.init(.invalidScope, "scope must contain openid")) }
        let unknown = scopes.filter { !client.scopes.contains($0) && $0 != "openid" && $0 != "offline_access" }
        guard unknown.isEmpty else { return fail(.init(.invalidScope, "scope \(unknown[0].prefix(40)) is not allowed for this client")) }
        // PKCE: S256 only; required of public clients, and checked whenever sent.
        let challenge = parameters["code_challenge"]
        if let challenge {
            guard parameters["code_challenge_method"] == "S256" else { return fail(.invalidRequest("code_challenge_method must be S256")) }
            guard ProofKeyForCodeExchange.isValidChallenge(challenge) else {
                return fail(.invalidRequest("code_challenge must be 43 base64url characters (the SHA-256 of the verifier)"))
            }
        } else if client.isPublic {
            return fail(.invalidRequest("a public client must send a PKCE code_challenge (S256)"))
        } else if parameters["code_challenge_method"] != nil {
            return fail(.invalidRequest("code_challenge_method without code_challenge"))
        }
        let prompts = Set((parameters["prompt"] ?? "").split(separator: " ").map(String.init))
        guard prompts.isSubset(of: ["none", "login", "consent", "select_account"]) else { return fail(.invalidRequest("unknown prompt value")) }
        guard !(prompts.contains("none") && prompts.count > 1) else { return fail(.invalidRequest("prompt=none cannot be combined with other values")) }
        var maxAge: Int?
        if let text = parameters["max_age"] {
            guard text.utf8.count <= 10, text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int(text) else {
                return fail(.invalidRequest("max_age must be a whole number of seconds"))
            }
            maxAge = value
        }
        // Levels: acr_values is voluntary (Core §3.1.2.1); an essential acr in the claims parameter (§5.5.1.1) is not.
        let voluntary = (parameters["acr_values"] ?? "").split(separator: " ").compactMap { LevelOfAssurance(acr: String($0)) }
        var required = client.minimumLevel
        var asked: [String] = []
        if let text = parameters["claims"] {
            guard let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                return fail(.invalidRequest("claims must be a JSON object"))
            }
            for member in ["userinfo", "id_token"] {
                guard let requested = object[member] as? [String: Any] else { continue }
                asked += requested.keys
                if member == "id_token", let acr = requested["acr"] as? [String: Any], acr["essential"] as? Bool == true {
                    let values = ((acr["values"] as? [String]) ?? (acr["value"] as? String).map { [$0] } ?? []).compactMap(LevelOfAssurance.init(acr:))
                    guard let lowest = values.min() else {
                        return fail(.invalidRequest("an essential acr must name at least one level Licna knows (the eIDAS LoA URIs)"))
                    }
                    required = max(required, lowest)
                }
            }
        }
        let byScope = scopes.flatMap { claimsOfScope[$0] ?? [] }
        let claims = Array(Set(byScope + asked).intersection(client.claims)).sorted()
        let request = AuthorizationRequest(client: client, redirectURI: redirectURI, scopes: scopes, state: state, nonce: parameters["nonce"],
                                           codeChallenge: challenge, prompts: prompts, maxAge: maxAge, requiredLevel: required,
                                           preferredLevel: voluntary.max(), claims: claims)
        return .valid(request)
    }

    /// The request the provider's own pages (the account page) sign in with: the person signs in and gets a
    /// session; no claims are asked, no consent is shown and no code is issued for it.
    public static func firstParty(_ client: RelyingParty, returnTo: String) -> AuthorizationRequest {
        AuthorizationRequest(client: client, redirectURI: returnTo, scopes: ["openid"], state: nil, nonce: nil, codeChallenge: nil, prompts: [],
                             maxAge: nil, requiredLevel: .low, preferredLevel: nil, claims: [])
    }

    /// What an authorization request leads to when the browser may already be signed in (OpenID Connect Core
    /// §3.1.2.1 `prompt` and `max_age`, §3.1.2.3; RFC 6749 §4.1.2.1 for the errors).
    public enum Decision: Sendable {
        /// Show the sign-in page.
        case signIn
        /// Signed in by the session; ask the person to consent.
        case consent(SignIn)
        /// Signed in by the session, and the person consented before to everything asked: issue the code.
        case issue(SignIn)
        /// Tell the client (`prompt=none` that cannot be answered without the person).
        case error(OAuthError)
    }

    /// Decides with the browser's single sign-on `session` (if any) and whether the person already consented to
    /// every claim asked for this client. The session counts only if no fresh login was asked, it is recent enough
    /// for `max_age`, and its level reaches the required one; `prompt=consent` always asks again; `prompt=none`
    /// never shows a page: `login_required` or `consent_required` instead.
    public func decide(session: SignIn?, consentRemembered: Bool, now: Date) -> Decision {
        let usable = session.flatMap { signIn in accepts(signInAt: signIn.authenticatedAt, now: now) && signIn.level >= requiredLevel ? signIn : nil }
        let silent = prompts.contains("none")
        guard let usable else {
            return silent ? .error(.init(.loginRequired, "the person must sign in")) : .signIn
        }
        if consentRemembered && !prompts.contains("consent") { return .issue(usable) }
        return silent ? .error(.init(.consentRequired, "the person must consent")) : .consent(usable)
    }

    /// Whether a sign-in made at `authenticatedAt` is recent enough for `max_age` and no fresh login was asked.
    public func accepts(signInAt authenticatedAt: Date, now: Date) -> Bool {
        if prompts.contains("login") { return false }
        if let maxAge, now.timeIntervalSince(authenticatedAt) > Double(maxAge) { return false }
        return true
    }
}
