import LicnaBasics
import Testing

/// RFC 6454 §6.2: the origin a card-signed token binds, computed the same way by the tool and the server.
@Suite struct WebOriginTests {
    @Test func defaultPortsAndCaseVanish() {
        #expect(WebOrigin.serialization(of: "HTTPS://EID.Example.ME:443/cards?x=1") == "https://eid.example.me")
        #expect(WebOrigin.serialization(of: "http://127.0.0.1:8080/") == "http://127.0.0.1:8080")
        #expect(WebOrigin.serialization(of: "http://127.0.0.1:80") == "http://127.0.0.1")
        #expect(WebOrigin.serialization(of: "https://eid.example.me:8443") == "https://eid.example.me:8443")
        #expect(WebOrigin.serialization(of: "http://[::1]:9000/x") == "http://[::1]:9000")
    }

    @Test func whatHasNoOriginGivesNone() {
        for text in ["", "not a url", "file:///etc/passwd", "mailto:a@b"] {
            #expect(WebOrigin.serialization(of: text) == nil, "\(text)")
        }
    }
}
