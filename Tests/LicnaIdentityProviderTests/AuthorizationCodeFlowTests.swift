import Crypto
import Foundation
import LicnaBasics
@testable import LicnaIdentityProvider
import Testing

/// The authorization code flow with PKCE, end to end through the protocol core (OpenID Connect Core §3.1), and each
/// way it must fail as the specifications say.
@Suite struct AuthorizationCodeFlowTests {
    @Test func aPublicClientCompletesTheFlowAndTheIDTokenVerifies() async throws {
        let fixture = await ProviderFixture()
        let answer = try await fixture.authorize(ProviderFixture.parameters())
        #expect(answer["state"] == "af0ifjsldkj" && answer["iss"] == ProviderFixture.issuer)
        let code = try #require(answer["code"])
        let tokens = try await fixture.provider.token(TokenRequest(form: [
            "grant_type": "authorization_code", "code": code, "redirect_uri": ProviderFixture.publicRedirect, "client_id": "portal",
            "code_verifier": ProviderFixture.verifier,
        ], authorization: nil))
        let claims = try verifiedClaims(tokens.idToken, jwks: fixture.provider.jwks)
        #expect(claims["iss"] as? String == ProviderFixture.issuer && claims["aud"] as? String == "portal")
        #expect(claims["nonce"] as? String == "n-0S6_WzA2Mj" && claims["acr"] as? String == "http://eidas.europa.eu/LoA/low")
        #expect(claims["given_name"] as? String == "Jelena" && claims["email"] as? String == "jelena@example.me")
        #expect(claims["email_verified"] as? Bool == true)
        #expect(claims["identification_number"] == nil && claims["jmbg"] == nil)
        #expect(claims["at_hash"] as? String == OpenIDProvider.leftHalfHash(tokens.accessToken))
        // userinfo gives the same sub and the consented claims.
        let info = try await fixture.provider.userinfo(authorization: "Bearer " + tokens.accessToken)
        #expect(info["sub"] as? String == claims["sub"] as? String && info["family_name"] as? String == "Šćekić")
        #expect(tokens.json["token_type"] as? String == "Bearer")
    }

    @Test func aConfidentialClientAuthenticatesWithItsSecretOnly() async throws {
        let fixture = await ProviderFixture()
        let code = try #require(try await fixture.authorize(ProviderFixture.parameters(client: "bank", redirect: ProviderFixture.bankRedirect))["code"])
        let form = ["grant_type": "authorization_code", "code": code, "redirect_uri": ProviderFixture.bankRedirect,
                    "code_verifier": ProviderFixture.verifier]
        for wrong in [fixture.basic("bank", "not-the-secret"), fixture.basic("portal", fixture.bankSecret), "Bearer x", "Basic !!!"] {
            let error = await #expect(throws: OAuthError.self) { try await fixture.provider.token(TokenRequest(form: form, authorization: wrong)) }
            #expect(error?.code == .invalidClient && error?.httpStatus == 401)
        }
        // Without credentials the confidential client is refused too.
        await #expect(throws: OAuthError(.invalidClient, "this client must authenticate")) {
            try await fixture.provider.token(TokenRequest(form: form.merging(["client_id": "bank"]) { $1 }, authorization: nil))
        }
        let tokens = try await fixture.provider.token(TokenRequest(form: form, authorization: fixture.basic("bank", fixture.bankSecret)))
        #expect(tokens.refreshToken != nil)
    }

    @Test func aReusedCodeFailsAndRevokesWhatItGave() async throws {
        let fixture = await ProviderFixture()
        let code = try #require(try await fixture.authorize(ProviderFixture.parameters())["code"])
        let form = ["grant_type": "authorization_code", "code": code, "redirect_uri": ProviderFixture.publicRedirect, "client_id": "portal",
                    "code_verifier": ProviderFixture.verifier]
        let tokens = try await fixture.provider.token(TokenRequest(form: form, authorization: nil))
        let error = await #expect(throws: OAuthError.self) { try await fixture.provider.token(TokenRequest(form: form, authorization: nil)) }
        #expect(error?.code == .invalidGrant)
        await #expect(throws: OAuthError.self) { try await fixture.provider.userinfo(authorization: "Bearer " + tokens.accessToken) }
        let refresh = try #require(tokens.refreshToken)
        await #expect(throws: OAuthError.self) {
            try await fixture.provider.token(TokenRequest(form: ["grant_type": "refresh_token", "refresh_token": refresh, "client_id": "portal"],
                                                          authorization: nil))
        }
    }

    @Test func wrongRedirectPKCEMismatchExpiryAndAnotherClientFail() async throws {
        let fixture = await ProviderFixture()
        func redeem(_ change: [String: String], wait: TimeInterval = 0) async throws -> OAuthError? {
            let code = try #require(try await fixture.authorize(ProviderFixture.parameters())["code"])
            fixture.clock.advance(wait)
            var form = ["grant_type": "authorization_code", "code": code, "redirect_uri": ProviderFixture.publicRedirect, "client_id": "portal",
                        "code_verifier": ProviderFixture.verifier]
            for (name, value) in change { form[name] = value }
            form = form.filter { !$0.value.isEmpty }
            return await #expect(throws: OAuthError.self) { try await fixture.provider.token(TokenRequest(form: form, authorization: nil)) }
        }
        #expect(try await redeem(["redirect_uri": ProviderFixture.publicRedirect + "/"])?.code == .invalidGrant)
        #expect(try await redeem(["code_verifier": String(repeating: "a", count: 43)])?.code == .invalidGrant)
        #expect(try await redeem(["code_verifier": ""])?.code == .invalidGrant)
        #expect(try await redeem([:], wait: 61)?.code == .invalidGrant)
        #expect(try await redeem(["code": "made-up"])?.code == .invalidGrant)
        #expect(try await redeem(["grant_type": "password"])?.code == .unsupportedGrantType)
        // A code given to the portal cannot be redeemed by the bank.
        let code = try #require(try await fixture.authorize(ProviderFixture.parameters())["code"])
        let error = await #expect(throws: OAuthError.self) {
            try await fixture.provider.token(TokenRequest(form: ["grant_type": "authorization_code", "code": code,
                                                                 "redirect_uri": ProviderFixture.publicRedirect, "code_verifier": ProviderFixture.verifier],
                                                          authorization: fixture.basic("bank", fixture.bankSecret)))
        }
        #expect(error?.code == .invalidGrant)
    }

    @Test func requestsThatCannotBeTrustedAreNeverRedirected() async throws {
        let fixture = await ProviderFixture()
        func outcome(_ change: [String: String?]) async throws -> AuthorizationRequest.Outcome {
            var parameters = ProviderFixture.parameters()
            for (name, value) in change { parameters[name] = value }
            return try await fixture.provider.parse(parameters)
        }
        for change: [String: String?] in [["client_id": "nobody"], ["client_id": nil], ["redirect_uri": "https://evil.example/cb"],
                                          ["redirect_uri": ProviderFixture.publicRedirect + "?x=1"], ["redirect_uri": nil],
                                          ["redirect_uri": "HTTPS://app.example.me/callback"]] {
            guard case .refused = try await outcome(change) else { Issue.record("redirected for \(change)"); continue }
        }
        // Errors after the client and redirect URI are known go back to the client, with state.
        let cases: [([String: String?], OAuthError.Code)] = [
            (["response_type": "token"], .unsupportedResponseType), (["scope": "profile"], .invalidScope), (["scope": "openid admin"], .invalidScope),
            (["code_challenge": nil], .invalidRequest), (["code_challenge_method": "plain"], .invalidRequest), (["code_challenge": "short"], .invalidRequest),
            (["prompt": "none login"], .invalidRequest), (["max_age": "-1"], .invalidRequest), (["max_age": "٣٠"], .invalidRequest),
            (["claims": "{not json"], .invalidRequest), (["request": "eyJ"], .requestNotSupported), (["request_uri": "https://x"], .requestURINotSupported),
        ]
        for (change, code) in cases {
            guard case .redirectError(let error, let redirect, let state) = try await outcome(change) else {
                Issue.record("not a redirected error for \(change)"); continue
            }
            #expect(error.code == code && redirect == ProviderFixture.publicRedirect && state == "af0ifjsldkj", "\(change)")
        }
        #expect(throws: Never.self) { _ = try fixture.provider.redirect(ProviderFixture.publicRedirect, error: .init(.accessDenied, "no"), state: "a+b") }
        let denied = try await fixture.authorize(ProviderFixture.parameters(), consented: false)
        #expect(denied["error"] == "access_denied" && denied["code"] == nil && denied["state"] == "af0ifjsldkj")
    }

    @Test func anEssentialLevelThatTheSignInCannotReachEndsInAnErrorNeverALowerACR() async throws {
        let fixture = await ProviderFixture()
        let essentialHigh = #"{"id_token":{"acr":{"essential":true,"values":["http://eidas.europa.eu/LoA/high"]}}}"#
        let parameters = ProviderFixture.parameters(extra: ["claims": essentialHigh])
        for level in [LevelOfAssurance.low, .substantial] {
            let answer = try await fixture.authorize(parameters, signIn: fixture.signIn(level))
            #expect(answer["error"] == "unmet_authentication_requirements" && answer["code"] == nil)
        }
        let answer = try await fixture.authorize(parameters, signIn: fixture.signIn(.high, methods: ["sc", "pin", "hwk"]))
        let code = try #require(answer["code"])
        let tokens = try await fixture.provider.token(TokenRequest(form: [
            "grant_type": "authorization_code", "code": code, "redirect_uri": ProviderFixture.publicRedirect, "client_id": "portal",
            "code_verifier": ProviderFixture.verifier,
        ], authorization: nil))
        let claims = try verifiedClaims(tokens.idToken, jwks: fixture.provider.jwks)
        #expect(claims["acr"] as? String == "http://eidas.europa.eu/LoA/high" && claims["amr"] as? [String] == ["sc", "pin", "hwk"])
        // acr_values alone is voluntary: a lower sign-in still gets its own, true, level.
        let voluntary = try await fixture.authorize(ProviderFixture.parameters(extra: ["acr_values": "http://eidas.europa.eu/LoA/high"]))
        #expect(voluntary["code"] != nil)
        // A client registered with a minimum level gets nothing lower, whatever it asks.
        let strict = await ProviderFixture(minimumLevel: .substantial)
        let refused = try await strict.authorize(ProviderFixture.parameters(client: "bank", redirect: ProviderFixture.bankRedirect))
        #expect(refused["error"] == "unmet_authentication_requirements")
    }

    @Test func maxAgeAndPromptLoginAskForAFreshSignIn() async throws {
        let fixture = await ProviderFixture()
        guard case .valid(let request) = try await fixture.provider.parse(ProviderFixture.parameters(extra: ["max_age": "300"])) else {
            Issue.record("not valid"); return
        }
        let signedInAt = fixture.clock.now
        #expect(request.accepts(signInAt: signedInAt, now: signedInAt.addingTimeInterval(299)))
        #expect(!request.accepts(signInAt: signedInAt, now: signedInAt.addingTimeInterval(301)))
        guard case .valid(let login) = try await fixture.provider.parse(ProviderFixture.parameters(extra: ["prompt": "login"])) else {
            Issue.record("not valid"); return
        }
        #expect(!login.accepts(signInAt: signedInAt, now: signedInAt))
    }

    /// Core §3.1.2.1: a browser's session signs in without a page unless the client asks otherwise; `prompt=none`
    /// never shows one and says why instead; remembered consent lets it through, `prompt=consent` asks again.
    @Test func aSessionSignsInSilentlyOnlyWhenPromptMaxAgeLevelAndConsentAllow() async throws {
        let fixture = await ProviderFixture()
        let now = fixture.clock.now
        func request(_ extra: [String: String]) async throws -> AuthorizationRequest {
            guard case .valid(let request) = try await fixture.provider.parse(ProviderFixture.parameters(extra: extra)) else { throw ProviderFixture.FixtureError.notValid }
            return request
        }
        func describe(_ decision: AuthorizationRequest.Decision) -> String {
            switch decision {
            case .signIn: "sign-in"
            case .consent: "consent"
            case .issue: "issue"
            case .error(let error): error.code.rawValue
            }
        }
        let session = SignIn(accountID: "a", level: .low, methods: ["pwd"], authenticatedAt: now.addingTimeInterval(-600))
        let cases: [([String: String], SignIn?, Bool, String)] = [
            ([:], nil, false, "sign-in"),
            (["prompt": "none"], nil, false, "login_required"),
            ([:], session, false, "consent"),
            ([:], session, true, "issue"),
            (["prompt": "none"], session, true, "issue"),
            (["prompt": "none"], session, false, "consent_required"),
            (["prompt": "consent"], session, true, "consent"),
            (["prompt": "login"], session, true, "sign-in"),
            (["max_age": "300"], session, true, "sign-in"),
            (["max_age": "900"], session, true, "issue"),
            (["prompt": "none", "max_age": "300"], session, true, "login_required"),
            (["prompt": "none", "claims": #"{"id_token":{"acr":{"essential":true,"value":"http://eidas.europa.eu/LoA/high"}}}"#], session, true, "login_required"),
            (["claims": #"{"id_token":{"acr":{"essential":true,"value":"http://eidas.europa.eu/LoA/high"}}}"#], session, true, "sign-in"),
        ]
        for (extra, session, remembered, expected) in cases {
            let decision = try await request(extra).decide(session: session, consentRemembered: remembered, now: now)
            #expect(describe(decision) == expected, "\(extra) session: \(session != nil) remembered: \(remembered)")
        }
    }

    @Test func pairwiseSubjectsDifferBetweenRelyingPartiesAndStayPerSector() async throws {
        let fixture = await ProviderFixture()
        let key = SymmetricKey(size: .bits256)
        let pairwise = PairwiseSubject(key: key)
        let portal = pairwise.subject(accountID: "account-1", sector: "app.example.me")
        #expect(portal != pairwise.subject(accountID: "account-1", sector: "bank.example.com"))
        #expect(portal == pairwise.subject(accountID: "account-1", sector: "app.example.me"))
        #expect(portal != PairwiseSubject(key: SymmetricKey(size: .bits256)).subject(accountID: "account-1", sector: "app.example.me"))
        // Through the flow: the portal's and the bank's ID tokens name the same person differently.
        func sub(_ client: String, _ redirect: String, _ authorization: String?) async throws -> String? {
            let code = try #require(try await fixture.authorize(ProviderFixture.parameters(client: client, redirect: redirect))["code"])
            var form = ["grant_type": "authorization_code", "code": code, "redirect_uri": redirect, "code_verifier": ProviderFixture.verifier]
            if authorization == nil { form["client_id"] = client }
            let tokens = try await fixture.provider.token(TokenRequest(form: form, authorization: authorization))
            return try verifiedClaims(tokens.idToken, jwks: fixture.provider.jwks)["sub"] as? String
        }
        let first = try await sub("portal", ProviderFixture.publicRedirect, nil)
        let second = try await sub("bank", ProviderFixture.bankRedirect, fixture.basic("bank", fixture.bankSecret))
        #expect(first != nil && second != nil && first != second)
    }
}
