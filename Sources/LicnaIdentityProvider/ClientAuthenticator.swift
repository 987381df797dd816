import Foundation
import LicnaBasics

/// The token endpoint's request as the web layer hands it over: the form fields (each at most once) and the
/// `Authorization` header.
public struct TokenRequest: Sendable {
    public var form: [String: String]
    public var authorization: String?

    public init(form: [String: String], authorization: String?) {
        self.form = form
        self.authorization = authorization
    }
}

/// Authenticates the client of a token request (RFC 6749 §2.3; OpenID Connect Core §9): `client_secret_basic`, or
/// `private_key_jwt` (RFC 7523 §2.2, §3), or a public client by its `client_id` alone. One method per request
/// (RFC 6749 §2.3: no more than one).
struct ClientAuthenticator: Sendable {
    let storage: any RelyingPartyStorage
    let replays: any AssertionReplayStorage
    /// The audiences a client assertion may name: the token endpoint's URL and the issuer.
    let audiences: Set<String>
    let now: @Sendable () -> Date
    /// Where clients registered with a `jwks_uri` publish their keys; without it such clients cannot authenticate.
    var keySource: (any ClientKeySource)?

    func authenticate(_ request: TokenRequest) async throws -> RelyingParty {
        let assertion = request.form["client_assertion"]
        let basic = request.authorization.flatMap(Self.basicCredentials)
        if request.authorization != nil && basic == nil {
            throw OAuthError.invalidClient("the Authorization header is not HTTP Basic with client_id:client_secret")
        }
        if basic != nil && assertion != nil {
            throw OAuthError.invalidRequest("use one client authentication method, not HTTP Basic and a client assertion together")
        }
        if request.form["client_secret"] != nil {
            throw OAuthError.invalidClient("client_secret_post is not supported: send the secret with HTTP Basic")
        }
        if let (id, secret) = basic {
            if let named = request.form["client_id"], named != id {
                throw OAuthError.invalidRequest("client_id differs from the one authenticated")
            }
            guard let party = try await storage.relyingParty(id: id), case .secretBasic(let stored) = party.authentication,
                  ConstantTime.equal(Array(RelyingParty.hashSecret(secret).utf8), Array(stored.utf8)) else {
                throw OAuthError.invalidClient("client authentication failed", debug: "client \(id.prefix(64))")
            }
            return party
        }
        if let assertion {
            return try await authenticate(assertion: assertion, type: request.form["client_assertion_type"], named: request.form["client_id"])
        }
        guard let id = request.form["client_id"], let party = try await storage.relyingParty(id: id) else {
            throw OAuthError.invalidClient("client authentication failed: no credentials and no known client_id")
        }
        guard party.isPublic else { throw OAuthError.invalidClient("this client must authenticate") }
        return party
    }

    private func authenticate(assertion: String, type: String?, named: String?) async throws -> RelyingParty {
        guard type == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" else {
            throw OAuthError.invalidRequest("client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        }
        let jws: JSONWebSignature
        do { jws = try JSONWebSignature(compact: assertion) } catch let error as OAuthError {
            throw OAuthError.invalidClient("the client assertion is malformed", debug: error.description)
        }
        let claims = jws.claims
        guard let issuer = claims["iss"] as? String, claims["sub"] as? String == issuer, named == nil || named == issuer,
              let party = try await storage.relyingParty(id: issuer) else {
            throw OAuthError.invalidClient("client authentication failed: the assertion's iss and sub must both be a client_id registered for private_key_jwt")
        }
        switch party.authentication {
        case .privateKeyJWT(let jwks):
            guard jws.isSigned(byOneOf: (try? JSONWebKey.set(from: jwks)) ?? []) else {
                throw OAuthError.invalidClient("client authentication failed: the assertion's signature does not verify with the registered keys")
            }
        case .privateKeyJWTURI(let uri):
            guard let keySource else { throw OAuthError.invalidClient("client authentication failed: the client's jwks_uri cannot be read here") }
            func verifies(fresh: Bool) async -> Bool {
                guard let document = try? await keySource.jwks(at: uri, fresh: fresh) else { return false }
                return jws.isSigned(byOneOf: (try? JSONWebKey.set(from: document)) ?? [])
            }
            // The cached keys first; a signature they do not verify may come from a key the client added since.
            var verified = await verifies(fresh: false)
            if !verified { verified = await verifies(fresh: true) }
            guard verified else {
                throw OAuthError.invalidClient("client authentication failed: the assertion's signature does not verify with the keys at the client's jwks_uri")
            }
        default:
            throw OAuthError.invalidClient("client authentication failed: the assertion's iss and sub must both be a client_id registered for private_key_jwt")
        }
        let audience: [String] = (claims["aud"] as? String).map { [$0] } ?? (claims["aud"] as? [String]) ?? []
        guard !audiences.isDisjoint(with: audience) else {
            throw OAuthError.invalidClient("the assertion's aud must be the token endpoint's URL or the issuer")
        }
        let now = now()
        guard let expiry = Self.seconds(claims["exp"]), expiry > now, expiry <= now.addingTimeInterval(3_660) else {
            throw OAuthError.invalidClient("the assertion's exp must be a number within the next hour")
        }
        if let notBefore = Self.seconds(claims["nbf"]), notBefore > now.addingTimeInterval(60) {
            throw OAuthError.invalidClient("the assertion is not valid yet (nbf)")
        }
        guard let jti = claims["jti"] as? String, !jti.isEmpty, jti.utf8.count <= 256 else {
            throw OAuthError.invalidClient("the assertion needs a jti (at most 256 bytes)")
        }
        guard try await replays.claim(clientID: issuer, jti: jti, until: expiry, now: now) else {
            throw OAuthError.invalidClient("this client assertion was used before (jti)")
        }
        return party
    }

    static func seconds(_ value: Any?) -> Date? {
        guard let number = value as? NSNumber else { return nil }  // true and false read as 1 and 0: long expired
        let seconds = number.doubleValue
        guard seconds.isFinite, abs(seconds) < 1e11 else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// RFC 6749 §2.3.1 with RFC 7617: both parts form-urlencoded before base64.
    static func basicCredentials(_ header: String) -> (String, String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic", parts[1].utf8.count <= 2048,
              let decoded = Data(base64Encoded: String(parts[1])).flatMap({ String(data: $0, encoding: .utf8) }),
              let colon = decoded.firstIndex(of: ":") else { return nil }
        func formDecoded(_ text: Substring) -> String? {
            text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        guard let id = formDecoded(decoded[..<colon]), let secret = formDecoded(decoded[decoded.index(after: colon)...]), !id.isEmpty else { return nil }
        return (id, secret)
    }
}
