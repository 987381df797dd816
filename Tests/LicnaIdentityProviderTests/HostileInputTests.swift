import Foundation
import LicnaBasics
import LicnaTestSupport
@testable import LicnaIdentityProvider
import Testing

/// Generative attacks on everything the provider parses from the network: authorization parameters, token forms,
/// Basic headers, JWTs and JWKS. Each must end in a clean `OAuthError` (or a refusal), never a trap, a hang or a code.
@Suite struct HostileInputTests {
    static let fragments = ["", "openid", "code", "S256", ".", "..", "=", "%00", "\u{0}", "ʼ", "٣", "🙂", "{", "}", "[]", "null", "true",
                            "eyJhbGciOiJub25lIn0", "Basic ", "Bearer ", ":", "+", "/", "-", "_", "a.b.c", String(repeating: "A", count: 5000),
                            "http://eidas.europa.eu/LoA/high", #"{"id_token":{"acr":{"essential":true}}}"#, "portal", ProviderFixture.publicRedirect]

    static func text(_ generator: inout SeededRandom) -> String {
        (0..<Int.random(in: 1...4, using: &generator)).map { _ in fragments.randomElement(using: &generator)! }.joined()
    }

    @Test(arguments: [1, 2, 3])
    func randomRequestsNeverTrapOrYieldTokens(seed: UInt64) async throws {
        var generator = SeededRandom(seed: seed)
        let fixture = await ProviderFixture()
        let names = ["response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "prompt",
                     "max_age", "acr_values", "claims", "grant_type", "code", "code_verifier", "refresh_token", "client_assertion",
                     "client_assertion_type", "id_token_hint", "post_logout_redirect_uri"]
        for _ in 0..<300 {
            var parameters: [String: String] = Bool.random(using: &generator) ? ProviderFixture.parameters() : [:]
            for _ in 0..<Int.random(in: 1...5, using: &generator) {
                parameters[names.randomElement(using: &generator)!] = Self.text(&generator)
            }
            _ = try await fixture.provider.parse(parameters)
            let authorization: String? = Bool.random(using: &generator) ? Self.text(&generator) : nil
            do {
                _ = try await fixture.provider.token(TokenRequest(form: parameters, authorization: authorization))
                Issue.record("a random token request got tokens: \(parameters)")
            } catch is OAuthError {}
            do { _ = try await fixture.provider.userinfo(authorization: authorization); Issue.record("random userinfo answered") } catch is OAuthError {}
            _ = try? await fixture.provider.logout(parameters)
            _ = try? JSONWebSignature(compact: Self.text(&generator))
            _ = try? JSONWebKey.set(from: Data(Self.text(&generator).utf8))
            _ = ClientAuthenticator.basicCredentials(Self.text(&generator))
        }
    }

    @Test func base64URLRefusesWhatNoEncoderWrites() {
        for text in ["a", "ab=", "a b", "a+b", "a/b", "ａｂｃｄ", "٣٣٣٣", "abcde"] { #expect(Data(base64URL: text) == nil, "\(text)") }
        #expect(Data(base64URL: "")?.isEmpty == true)
        for length in 0..<70 {
            let data = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37) })
            #expect(Data(base64URL: data.base64URLEncoded) == data)
        }
    }

    @Test func pkceVerifiersOutsideTheAlphabetOrLengthAreRefused() {
        let challenge = ProofKeyForCodeExchange.challenge(for: ProviderFixture.verifier)
        #expect(ProofKeyForCodeExchange.verify(ProviderFixture.verifier, against: challenge))
        for verifier in [String(ProviderFixture.verifier.dropLast()), ProviderFixture.verifier + "é", String(repeating: "a", count: 129),
                         ProviderFixture.verifier.replacingOccurrences(of: "d", with: "٣")] {
            #expect(!ProofKeyForCodeExchange.verify(verifier, against: challenge))
        }
        // RFC 7636 Appendix B's example.
        #expect(ProofKeyForCodeExchange.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }
}
