import Foundation

extension OpenIDProvider {
    /// What an RP-initiated logout request (OpenID Connect RP-Initiated Logout 1.0 §2) resolved to.
    public struct Logout: Sendable {
        /// The client that asked, when `id_token_hint` or `client_id` named one.
        public var clientID: String?
        /// The account the hint names, whose session the server ends (when it is the session's account).
        public var subject: String?
        /// Where to send the browser afterwards: only a URI registered for that client, exactly, with `state`.
        public var redirect: URL?
    }

    /// Checks a logout request. `id_token_hint` must be an ID token this provider signed (expired ones are accepted,
    /// §2); a `post_logout_redirect_uri` is followed only when registered for the client the hint or `client_id`
    /// names; otherwise the server shows its own page.
    public func logout(_ parameters: [String: String]) async throws -> Logout {
        var clientID = parameters["client_id"]
        var subject: String?
        if let hint = parameters["id_token_hint"] {
            let jws = try JSONWebSignature(compact: hint)
            guard jws.isSigned(byOneOf: keys.published.map { JSONWebKey($0.privateKey.publicKey, keyID: $0.keyID) }),
                  jws.claims["iss"] as? String == configuration.issuer, let audience = jws.claims["aud"] as? String else {
                throw OAuthError.invalidRequest("id_token_hint is not an ID token of this provider")
            }
            if let clientID, clientID != audience { throw OAuthError.invalidRequest("client_id differs from the id_token_hint's audience") }
            clientID = audience
            subject = jws.claims["sub"] as? String
        }
        var redirect: URL?
        if let target = parameters["post_logout_redirect_uri"] {
            guard let clientID, let client = try await parties.relyingParty(id: clientID), client.postLogoutRedirectURIs.contains(target) else {
                throw OAuthError.invalidRequest("post_logout_redirect_uri is not registered for the client named by id_token_hint or client_id")
            }
            redirect = try Self.url(target, adding: parameters["state"].map { [("state", $0)] } ?? [])
        }
        return Logout(clientID: clientID, subject: subject, redirect: redirect)
    }
}
