import Crypto
import Foundation
import LicnaBasics

/// A registered relying party (an OAuth client, RFC 6749 §2; OpenID Connect Dynamic Client Registration's metadata
/// where it applies): how it authenticates, where codes may be sent, what it may ask for and how sure the sign-in
/// must be.
public struct RelyingParty: Sendable, Hashable, Codable {
    /// How the client authenticates at the token endpoint (OpenID Connect Core §9).
    public enum Authentication: Sendable, Hashable, Codable {
        /// A public client (a browser or mobile app): no secret; PKCE is required.
        case none
        /// `client_secret_basic`: the secret's SHA-256 (secrets are 256 random bits, so a fast hash is enough).
        case secretBasic(secretSHA256: String)
        /// `private_key_jwt` against a registered JWKS (its JSON).
        case privateKeyJWT(jwks: Data)
        /// `private_key_jwt` against the JWKS the client publishes at a URL (Dynamic Client Registration §2,
        /// `jwks_uri`): fetched through a `ClientKeySource`, so the client rotates its keys without re-registering.
        case privateKeyJWTURI(String)
    }

    public var id: String
    public var name: String
    public var authentication: Authentication
    /// Compared exactly, character for character (RFC 9700 §4.1.3).
    public var redirectURIs: [String]
    /// Where RP-initiated logout may return (OpenID Connect RP-Initiated Logout 1.0 §3), exactly.
    public var postLogoutRedirectURIs: [String]
    /// The host, or `sector_identifier_uri`, that pairwise `sub` values are computed over (Core §8.1).
    public var sectorIdentifier: String
    public var scopes: Set<String>
    /// Claims it is entitled to (`identification_number` only for public institutions).
    public var claims: Set<String>
    /// The lowest level any of its sign-ins may have.
    public var minimumLevel: LevelOfAssurance

    public init(id: String, name: String, authentication: Authentication, redirectURIs: [String], postLogoutRedirectURIs: [String] = [],
                sectorIdentifier: String? = nil, scopes: Set<String> = ["openid", "profile", "email"],
                claims: Set<String> = ["given_name", "family_name", "birthdate", "email", "email_verified"], minimumLevel: LevelOfAssurance = .low) {
        self.id = id
        self.name = name
        self.authentication = authentication
        self.redirectURIs = redirectURIs
        self.postLogoutRedirectURIs = postLogoutRedirectURIs
        self.sectorIdentifier = sectorIdentifier ?? redirectURIs.first.flatMap { URL(string: $0)?.host } ?? id
        self.scopes = scopes
        self.claims = claims
        self.minimumLevel = minimumLevel
    }

    public var isPublic: Bool { authentication == .none }

    /// A new client secret (256 random bits, base64url) and what is stored of it.
    public static func newSecret() -> (secret: String, stored: Authentication) {
        let secret = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64URLEncoded
        return (secret, .secretBasic(secretSHA256: hashSecret(secret)))
    }

    static func hashSecret(_ secret: String) -> String {
        Data(SHA256.hash(data: Data(secret.utf8))).base64URLEncoded
    }
}
