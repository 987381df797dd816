import Crypto
import Foundation
import LicnaBasics
@testable import LicnaIdentityProvider

/// A provider with three relying parties (public with PKCE, confidential with a secret, private_key_jwt), an
/// account whose claims the registry would give, and a clock the tests move.
struct ProviderFixture {
    static let issuer = "https://eid.example.me"
    static let publicRedirect = "https://app.example.me/callback"
    static let bankRedirect = "https://bank.example.com/oidc/cb"

    let storage: InMemoryIdentityProviderStorage
    let provider: OpenIDProvider
    let clock: AdjustableWallClock
    let keys: SigningKeys
    let bankSecret: String
    let assertionKey: P256.Signing.PrivateKey

    struct Claims: AccountClaimsSource {
        func claims(accountID: String, names: [String]) async throws -> [String: String] {
            let all = ["given_name": "Jelena", "family_name": "Šćekić", "birthdate": "1986-04-02", "email": "jelena@example.me",
                       "email_verified": "true", "identification_number": "100000017", "jmbg": "0204986215009"]
            return all.filter { names.contains($0.key) }
        }
    }

    init(minimumLevel: LevelOfAssurance = .low) async {
        clock = AdjustableWallClock(Date(timeIntervalSince1970: 1_800_000_000))
        let (secret, stored) = RelyingParty.newSecret()
        bankSecret = secret
        assertionKey = P256.Signing.PrivateKey()
        let jwks = try! JSONSerialization.data(withJSONObject: ["keys": [JSONWebKey(assertionKey.publicKey).json]])
        storage = InMemoryIdentityProviderStorage(relyingParties: [
            RelyingParty(id: "portal", name: "Portal", authentication: .none, redirectURIs: [Self.publicRedirect],
                         postLogoutRedirectURIs: ["https://app.example.me/bye"]),
            RelyingParty(id: "bank", name: "Bank", authentication: stored, redirectURIs: [Self.bankRedirect], minimumLevel: minimumLevel),
            RelyingParty(id: "tax", name: "Tax office", authentication: .privateKeyJWT(jwks: jwks), redirectURIs: ["https://tax.example.me/cb"],
                         scopes: ["openid", "profile", "identification_number"],
                         claims: ["given_name", "family_name", "birthdate", "identification_number"]),
        ])
        keys = SigningKeys(current: .init(P256.Signing.PrivateKey()))
        provider = OpenIDProvider(configuration: .init(issuer: Self.issuer), codes: storage, tokens: storage, parties: storage, replays: storage,
                                  claims: Claims(), keys: keys, pairwise: PairwiseSubject(key: SymmetricKey(size: .bits256)), clock: clock)
    }

    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

    static func parameters(client: String = "portal", redirect: String = publicRedirect, extra: [String: String] = [:]) -> [String: String] {
        var parameters = ["response_type": "code", "client_id": client, "redirect_uri": redirect, "scope": "openid profile email",
                          "state": "af0ifjsldkj", "nonce": "n-0S6_WzA2Mj", "code_challenge": ProofKeyForCodeExchange.challenge(for: verifier),
                          "code_challenge_method": "S256"]
        for (name, value) in extra { parameters[name] = value }
        return parameters
    }

    func signIn(_ level: LevelOfAssurance = .low, methods: [String] = ["pwd"]) -> SignIn {
        SignIn(accountID: "account-1", level: level, methods: methods, authenticatedAt: clock.now)
    }

    /// Runs the authorization endpoint to its redirect and reads the query back.
    func authorize(_ parameters: [String: String], signIn: SignIn? = nil, consented: Bool = true) async throws -> [String: String] {
        guard case .valid(let request) = try await provider.parse(parameters) else { throw FixtureError.notValid }
        let url = try await provider.authorize(request, signIn: signIn ?? self.signIn(), consented: consented)
        return Self.query(url)
    }

    static func query(_ url: URL) -> [String: String] {
        Dictionary(URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.map { ($0.name, $0.value ?? "") } ?? [], uniquingKeysWith: { $1 })
    }

    func basic(_ id: String, _ secret: String) -> String {
        "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
    }

    /// A client assertion (RFC 7523) for the tax office.
    func assertion(jti: String = UUID().uuidString, audience: String = ProviderFixture.issuer + "/oidc/token", lifetime: TimeInterval = 60,
                   key: P256.Signing.PrivateKey? = nil) throws -> String {
        let now = clock.now.timeIntervalSince1970
        return try JSONWebSignature.sign(["iss": "tax", "sub": "tax", "aud": audience, "jti": jti, "exp": Int(now + lifetime), "iat": Int(now)],
                                         with: key ?? assertionKey, keyID: JSONWebKey(assertionKey.publicKey).keyID ?? "")
    }

    enum FixtureError: Error { case notValid }
}

/// Reads a JWT's claims after checking its ES256 signature with the JWKS (as a relying party does).
func verifiedClaims(_ token: String, jwks: [String: Any]) throws -> [String: Any] {
    let data = try JSONSerialization.data(withJSONObject: jwks)
    let jws = try JSONWebSignature(compact: token)
    guard jws.isSigned(byOneOf: try JSONWebKey.set(from: data)) else { throw ProviderFixture.FixtureError.notValid }
    return jws.claims
}
