import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
@testable import LicnaServer
import Testing
import VaporTesting

/// The provider's HTTP endpoints under hostile input: random, repeated, percent-broken, non-ASCII and huge
/// parameters and bodies to every endpoint end in a client error (an OAuth JSON error or a page), never a 500,
/// and never in a code or token.
@Suite struct SignOnHTTPTests {
    static func values(seed: UInt64) -> [String] {
        HostileParameterTests.hostileValues(seed: seed, count: 30) + ["%", "%zz", "a=b=c", "&&&", "code&code=1", String(repeating: "&x=1", count: 200),
                                                                      String(repeating: "a", count: 70_000), "openid%20profile", "S256", "Basic Og=="]
    }

    @Test(arguments: [UInt64(7), 8])
    func hostileRequestsToEveryEndpointAreClientErrors(seed: UInt64) async throws {
        try await TestInstallation.make(.sqlite).withApp { app in
            let signOn = app.licna.signOn(on: app.db)
            let client = try await signOn.registerClient(name: "Portal", redirectURIs: ["https://portal.example.me/cb"], kind: .public,
                                                         context: .test).clientID
            var checked = 0
            func expectClientError(_ method: HTTPMethod, _ path: String, body: String? = nil, headers: HTTPHeaders = [:]) async throws {
                var headers = headers
                if body != nil, headers.contentType == nil { headers.contentType = .urlEncodedForm }
                try await app.testing().test(method, path, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
                    #expect(response.status.code < 500 && response.status.code >= 300, "\(method) \(path.prefix(80)): \(response.status)")
                    let text = response.body.string
                    #expect(!text.contains("access_token") && !text.contains("code="), "\(path.prefix(80)) gave a token")
                    checked += 1
                }
            }
            for value in Self.values(seed: seed) {
                let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "x"
                try await expectClientError(.GET, "oidc/authorize?\(value)")
                try await expectClientError(.GET, "oidc/authorize?client_id=\(client)&redirect_uri=\(encoded)&response_type=code&scope=openid")
                try await expectClientError(.GET, "oidc/authorize?client_id=\(encoded)&redirect_uri=https%3A%2F%2Fportal.example.me%2Fcb")
                try await expectClientError(.POST, "oidc/authorize", body: value)
                try await expectClientError(.POST, "oidc/token", body: "grant_type=authorization_code&code=\(encoded)&client_id=\(client)")
                try await expectClientError(.POST, "oidc/token", body: "grant_type=refresh_token&refresh_token=\(encoded)&client_id=\(client)")
                try await expectClientError(.POST, "oidc/token", body: value, headers: ["Authorization": value.count < 4000 ? value : "x"])
                try await expectClientError(.POST, "oidc/token", body: "grant_type=\(encoded)", headers: ["Content-Type": "application/json"])
                try await expectClientError(.GET, "oidc/userinfo", headers: ["Authorization": "Bearer " + (value.count < 4000 ? value : "x")])
                try await expectClientError(.POST, "oidc/signin", body: "interaction=\(encoded)&csrf=\(encoded)&email=a%40b.c&password=\(encoded)")
                try await expectClientError(.POST, "oidc/consent", body: "interaction=\(encoded)&csrf=\(encoded)&decision=allow")
                try await expectClientError(.GET, "oidc/logout?id_token_hint=\(encoded)&post_logout_redirect_uri=\(encoded)")
            }
            #expect(checked > 400)
            // A repeated parameter is refused, not resolved one way or the other.
            try await app.testing().test(.POST, "oidc/token", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "grant_type=refresh_token&grant_type=authorization_code&client_id=\(client)")) { response in
                #expect(response.status == .badRequest && response.body.string.contains("repeated"))
            }
        }
    }
}
