import Crypto
import Foundation
import LicnaBasics
@testable import LicnaIdentityProvider
import Testing

/// Refresh-token rotation with reuse detection (RFC 9700 §4.14.2), private_key_jwt (RFC 7523), key rotation and
/// RP-initiated logout.
@Suite struct RefreshAndClientAssertionTests {
    static func tokens(_ fixture: ProviderFixture) async throws -> OpenIDProvider.TokenResponse {
        let code = try #require(try await fixture.authorize(ProviderFixture.parameters())["code"])
        return try await fixture.provider.token(TokenRequest(form: [
            "grant_type": "authorization_code", "code": code, "redirect_uri": ProviderFixture.publicRedirect, "client_id": "portal",
            "code_verifier": ProviderFixture.verifier,
        ], authorization: nil))
    }

    static func refresh(_ fixture: ProviderFixture, _ token: String?, client: String = "portal") async throws -> OpenIDProvider.TokenResponse {
        try await fixture.provider.token(TokenRequest(form: ["grant_type": "refresh_token", "refresh_token": token ?? "", "client_id": client],
                                                      authorization: nil))
    }

    @Test func refreshRotatesAndAReusedTokenRevokesTheWholeFamily() async throws {
        let fixture = await ProviderFixture()
        let first = try await Self.tokens(fixture)
        let second = try await Self.refresh(fixture, first.refreshToken)
        #expect(second.refreshToken != first.refreshToken && second.accessToken != first.accessToken)
        let claims = try verifiedClaims(second.idToken, jwks: fixture.provider.jwks)
        #expect(claims["nonce"] == nil && claims["acr"] as? String == LevelOfAssurance.low.uri)
        let third = try await Self.refresh(fixture, second.refreshToken)
        // The first refresh token, presented again (a thief's copy): refused, and every token of the family revoked.
        let error = await #expect(throws: OAuthError.self) { try await Self.refresh(fixture, first.refreshToken) }
        #expect(error?.code == .invalidGrant)
        await #expect(throws: OAuthError.self) { try await Self.refresh(fixture, third.refreshToken) }
        for access in [first.accessToken, second.accessToken, third.accessToken] {
            await #expect(throws: OAuthError.self) { try await fixture.provider.userinfo(authorization: "Bearer " + access) }
        }
        // Another sign-in's family is untouched.
        let other = try await Self.tokens(fixture)
        _ = try await Self.refresh(fixture, other.refreshToken)
    }

    @Test func concurrentUsesOfOneRefreshTokenLeaveOneWinnerAndThenRevoke() async throws {
        let fixture = await ProviderFixture()
        let first = try await Self.tokens(fixture)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { (try? await Self.refresh(fixture, first.refreshToken)) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
    }

    @Test func refreshTokensExpireBelongToTheirClientAndOnlyNarrowTheScope() async throws {
        let fixture = await ProviderFixture()
        let tokens = try await Self.tokens(fixture)
        await #expect(throws: OAuthError.self) {
            try await fixture.provider.token(TokenRequest(form: ["grant_type": "refresh_token", "refresh_token": tokens.refreshToken ?? "",
                                                                 "scope": "openid profile email identification_number", "client_id": "portal"],
                                                          authorization: nil))
        }
        let other = try await Self.tokens(fixture)
        let narrowed = try await fixture.provider.token(TokenRequest(form: ["grant_type": "refresh_token", "refresh_token": other.refreshToken ?? "",
                                                                            "scope": "openid", "client_id": "portal"], authorization: nil))
        #expect(narrowed.scope == "openid")
        let stolen = try await Self.tokens(fixture)
        await #expect(throws: OAuthError.self) {
            try await fixture.provider.token(TokenRequest(form: ["grant_type": "refresh_token", "refresh_token": stolen.refreshToken ?? ""],
                                                          authorization: fixture.basic("bank", fixture.bankSecret)))
        }
        let old = try await Self.tokens(fixture)
        fixture.clock.advance(30 * 86_400 + 1)
        await #expect(throws: OAuthError.self) { try await Self.refresh(fixture, old.refreshToken) }
        await #expect(throws: OAuthError.self) { try await fixture.provider.userinfo(authorization: "Bearer " + old.accessToken) }
    }

    @Test func aPrivateKeyJWTClientAuthenticatesOnceWithEachAssertion() async throws {
        let fixture = await ProviderFixture()
        let parameters = ProviderFixture.parameters(client: "tax", redirect: "https://tax.example.me/cb",
                                                    extra: ["scope": "openid profile identification_number"])
        func redeem(_ assertion: String, type: String = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") async throws -> OpenIDProvider.TokenResponse {
            let code = try #require(try await fixture.authorize(parameters)["code"])
            return try await fixture.provider.token(TokenRequest(form: [
                "grant_type": "authorization_code", "code": code, "redirect_uri": "https://tax.example.me/cb", "code_verifier": ProviderFixture.verifier,
                "client_assertion_type": type, "client_assertion": assertion,
            ], authorization: nil))
        }
        let assertion = try fixture.assertion(jti: "once")
        let tokens = try await redeem(assertion)
        let claims = try verifiedClaims(tokens.idToken, jwks: fixture.provider.jwks)
        // The tax office is entitled to the identification number; the JMBG is in no token.
        #expect(claims["identification_number"] as? String == "100000017" && claims["jmbg"] == nil && claims["email"] == nil)
        #expect(!tokens.idToken.contains("0204986215009"))
        for bad in [assertion, try fixture.assertion(audience: "https://elsewhere.example"), try fixture.assertion(lifetime: -1),
                    try fixture.assertion(lifetime: 7200), try fixture.assertion(key: P256.Signing.PrivateKey()), "a.b.c", "not a jwt"] {
            let error = await #expect(throws: OAuthError.self) { try await redeem(bad) }
            #expect(error?.code == .invalidClient || error?.code == .invalidRequest)
        }
        await #expect(throws: OAuthError.self) { try await redeem(try fixture.assertion(), type: "jwt") }
        // An unsigned ("alg": "none") assertion is never accepted.
        let header = Data(#"{"alg":"none"}"#.utf8).base64URLEncoded
        let now = Int(fixture.clock.now.timeIntervalSince1970)
        let payload = Data(#"{"iss":"tax","sub":"tax","aud":"https://eid.example.me/oidc/token","jti":"x","exp":\#(now + 60)}"#.utf8).base64URLEncoded
        await #expect(throws: OAuthError.self) { try await redeem(header + "." + payload + ".") }
    }

    @Test func rotatedKeysStayPublishedSoEarlierTokensStillVerify() async throws {
        let old = SigningKeys.Key(P256.Signing.PrivateKey())
        let new = SigningKeys.Key(P256.Signing.PrivateKey())
        let keys = SigningKeys(current: new, previous: [old])
        let earlier = try JSONWebSignature.sign(["sub": "x"], with: old.privateKey, keyID: old.keyID)
        #expect(try verifiedClaims(earlier, jwks: keys.jwks)["sub"] as? String == "x")
        let forged = try JSONWebSignature.sign(["sub": "x"], with: P256.Signing.PrivateKey(), keyID: old.keyID)
        #expect(throws: ProviderFixture.FixtureError.self) { _ = try verifiedClaims(forged, jwks: keys.jwks) }
        #expect((keys.jwks["keys"] as? [[String: String]])?.map { $0["kid"] } == [new.keyID, old.keyID])
    }

    @Test func logoutFollowsOnlyARegisteredAddressOfTheHintsClient() async throws {
        let fixture = await ProviderFixture()
        let tokens = try await Self.tokens(fixture)
        let logout = try await fixture.provider.logout(["id_token_hint": tokens.idToken, "post_logout_redirect_uri": "https://app.example.me/bye",
                                                        "state": "s1"])
        #expect(logout.clientID == "portal" && logout.subject != nil)
        #expect(logout.redirect.map(ProviderFixture.query)?["state"] == "s1")
        await #expect(throws: OAuthError.self) {
            try await fixture.provider.logout(["id_token_hint": tokens.idToken, "post_logout_redirect_uri": "https://evil.example/"])
        }
        await #expect(throws: OAuthError.self) { try await fixture.provider.logout(["post_logout_redirect_uri": "https://app.example.me/bye"]) }
        let forged = try JSONWebSignature.sign(["iss": ProviderFixture.issuer, "aud": "portal", "sub": "x"], with: P256.Signing.PrivateKey(), keyID: "k")
        await #expect(throws: OAuthError.self) { try await fixture.provider.logout(["id_token_hint": forged]) }
        let bare = try await fixture.provider.logout([:])
        #expect(bare.redirect == nil && bare.clientID == nil)
    }
}
