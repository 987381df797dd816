import Foundation
import LicnaAPI
import LicnaCardCommands
import LicnaTestSupport
import Testing

/// Issue 13, item 3: `licna-card agent`'s rules (`CardAgentPolicy`) and its request reader (`AgentHTTPRequest`),
/// tried with the requests a hostile page or process on the same computer would send.
@Suite struct CardAgentTests {
    static let portal = "https://portal.gov.me"
    let policy = CardAgentPolicy(origins: [Self.portal, "http://127.0.0.1:8080"], port: 24_727)

    /// A signer that records what it was asked to sign.
    final class Recorder: @unchecked Sendable {
        var asked: [(origin: String, nonce: String)] = []
        var answer: Result<CardSignedToken, CardAgentPolicy.Refusal> = .success(
            CardSignedToken(unverifiedCertificate: "AA==", algorithm: "ES256", signature: "AA==", appVersion: "test"))

        func sign(_ origin: String, _ nonce: String) -> Result<CardSignedToken, CardAgentPolicy.Refusal> {
            asked.append((origin, nonce))
            return answer
        }
    }

    static let nonce = Data(repeating: 7, count: 32).base64EncodedString()

    static func request(_ method: String = "POST", _ path: String = "/authenticate", host: String? = "127.0.0.1:24727", origin: String? = portal,
                        fields: [(String, String)] = [("Content-Type", "application/json")],
                        body: String = #"{"challengeNonce":"\#(nonce)","origin":"https://evil.example"}"#) -> AgentHTTPRequest {
        var head = "\(method) \(path) HTTP/1.1\r\n"
        if let host { head += "Host: \(host)\r\n" }
        if let origin { head += "Origin: \(origin)\r\n" }
        for (name, value) in fields { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.utf8.count)\r\n\r\n"
        guard case .complete(let request) = AgentHTTPRequest.parse(Array((head + body).utf8)) else {
            Issue.record("the test's request did not parse")
            return AgentHTTPRequest(method: "", target: "", fields: [], body: [])
        }
        return request
    }

    @Test func theCardSignsForTheBrowsersOriginNeverOneFromTheBody() {
        let recorder = Recorder()
        let response = policy.respond(to: Self.request(), sign: recorder.sign)
        #expect(response.status == 200)
        #expect(recorder.asked.map(\.origin) == [Self.portal])
        #expect(recorder.asked.map(\.nonce) == [Self.nonce])
        #expect(response.value("Access-Control-Allow-Origin") == Self.portal)
        let token = try? JSONDecoder().decode(CardSignedToken.self, from: Data(response.body))
        #expect(token?.format == "web-eid:1.0")
    }

    @Test(arguments: [
        ("https://evil.example", "127.0.0.1:24727"),        // a page of another origin
        ("null", "127.0.0.1:24727"),                        // a sandboxed frame or a file
        ("https://portal.gov.me.evil.example", "127.0.0.1:24727"),
        ("https://PORTAL.gov.me:443/", "127.0.0.1:24727"),  // not how browsers serialize an origin
        ("https://portal.gov.me", "evil.example:24727"),    // DNS rebinding: the page's own name, resolved to loopback
        ("https://portal.gov.me", "127.0.0.1:80"),
    ])
    func requestsFromOtherOriginsOrHostsAreRefusedWithoutCORS(origin: String, host: String) {
        let recorder = Recorder()
        let response = policy.respond(to: Self.request(host: host, origin: origin), sign: recorder.sign)
        #expect(response.status == 403)
        #expect(response.value("Access-Control-Allow-Origin") == nil)
        #expect(recorder.asked.isEmpty)
    }

    @Test func requestsWithoutOriginOrHostOrWithTwoAreRefused() {
        let recorder = Recorder()
        for request in [Self.request(origin: nil), Self.request(host: nil),
                        Self.request(fields: [("Content-Type", "application/json"), ("Origin", "https://evil.example")]),
                        Self.request(fields: [("Content-Type", "application/json"), ("Host", "evil.example:24727")])] {
            #expect(policy.respond(to: request, sign: recorder.sign).status == 403)
        }
        #expect(recorder.asked.isEmpty)
    }

    @Test func preflightsAreAnsweredForConfiguredOriginsOnly() {
        let preflight = Self.request("OPTIONS", fields: [("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type"),
                                                         ("Access-Control-Request-Private-Network", "true")], body: "")
        let recorder = Recorder()
        let allowed = policy.respond(to: preflight, sign: recorder.sign)
        #expect(allowed.status == 204)
        #expect(allowed.value("Access-Control-Allow-Origin") == Self.portal)
        #expect(allowed.value("Access-Control-Allow-Private-Network") == "true")
        #expect(allowed.value("Access-Control-Allow-Methods") == "GET, POST")
        let other = Self.request("OPTIONS", origin: "https://evil.example", fields: [("Access-Control-Request-Method", "POST"),
                                                                                      ("Access-Control-Request-Private-Network", "true")], body: "")
        let refused = policy.respond(to: other, sign: recorder.sign)
        #expect(refused.status == 403)
        #expect(refused.value("Access-Control-Allow-Private-Network") == nil && refused.value("Access-Control-Allow-Origin") == nil)
        let extraHeader = Self.request("OPTIONS", fields: [("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "x-pin")], body: "")
        #expect(policy.respond(to: extraHeader, sign: recorder.sign).status == 403)
        #expect(recorder.asked.isEmpty)
    }

    @Test(arguments: [
        #"{"challengeNonce":"c2hvcnQ="}"#,             // 5 bytes: too short to be a server's nonce
        #"{"challengeNonce":"not base64 at all!"}"#,
        #"{"nonce":"\#(nonce)"}"#,
        #"["\#(nonce)"]"#,
        "",
    ])
    func badChallengesAreRefusedBeforeThePINIsAskedFor(body: String) {
        let recorder = Recorder()
        #expect(policy.respond(to: Self.request(body: body), sign: recorder.sign).status == 400)
        #expect(recorder.asked.isEmpty)
    }

    @Test func aFormPostCannotReachTheCard() {
        // A plain HTML form may POST cross-origin without a preflight; it cannot send application/json.
        let recorder = Recorder()
        let form = Self.request(fields: [("Content-Type", "text/plain")])
        #expect(policy.respond(to: form, sign: recorder.sign).status == 415)
        #expect(recorder.asked.isEmpty)
    }

    @Test func aWrongPINSaysTheTriesLeft() throws {
        let recorder = Recorder()
        recorder.answer = .failure(.wrongPIN(triesLeft: 2))
        let response = policy.respond(to: Self.request(), sign: recorder.sign)
        #expect(response.status == 401)
        let body = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(body?["error"] as? String == "wrong-pin")
        #expect(body?["triesLeft"] as? Int == 2)
    }

    @Test func theRequestReaderRefusesSmugglingShapes() {
        let hostile = [
            "POST /authenticate HTTP/1.1\r\nHost: 127.0.0.1:24727\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /authenticate HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab",
            "POST /authenticate HTTP/1.1\r\nContent-Length : 2\r\n\r\nab",
            "POST /authenticate HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
            "POST /authenticate HTTP/1.1\r\nContent-Length: +2\r\n\r\nab",
            "POST /authenticate HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",
            "GET /status HTTP/1.1\r\nHost: 127.0.0.1:24727\r\n\r\nGET /status HTTP/1.1\r\n\r\n",
            "GET http://127.0.0.1/status HTTP/1.1\r\n\r\n",
            "GET /status HTTP/2\r\n\r\n",
            "GET /status HTTP/1.1\r\nOrigin: https://portal.gov.me\u{00E9}\r\n\r\n",
            "GET /status HTTP/1.1\r\n" + String(repeating: "X-A: b\r\n", count: 2_000) + "\r\n",
        ]
        for text in hostile {
            guard case .invalid = AgentHTTPRequest.parse(Array(text.utf8)) else {
                Issue.record("accepted: \(text.prefix(80).debugDescription)")
                continue
            }
        }
        #expect(AgentHTTPRequest.parse(Array("GET /status HTTP/1.1\r\nHost: x\r\n".utf8)) == .incomplete)
    }

    /// Generative: any bytes, whole or cut anywhere, give a verdict without trapping; a request the reader accepts
    /// keeps within its limits, and a valid request split at any point reads the same once complete.
    @Test(arguments: [UInt64(1), 2, 3])
    func anyBytesGetAVerdict(seed: UInt64) {
        var generator = SeededRandom(seed: seed)
        let valid = Array("POST /authenticate HTTP/1.1\r\nHost: 127.0.0.1:24727\r\nOrigin: https://portal.gov.me\r\nContent-Length: 4\r\n\r\n{}{}".utf8)
        guard case .complete(let whole) = AgentHTTPRequest.parse(valid) else {
            Issue.record("the valid request did not parse")
            return
        }
        for cut in 0..<valid.count {
            if case .complete = AgentHTTPRequest.parse(Array(valid[..<cut])) { Issue.record("a cut request was complete at \(cut)") }
        }
        let alphabet = Array("\r\n :/-HTTP1.GETPOSTContent-LengthOrigin0123456789{}\"\u{7F}\u{00}".utf8) + [0xC3, 0xA9, 0xFF]
        for _ in 0..<3_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[at] = alphabet.randomElement(using: &generator) ?? 0
                case 1: bytes.insert(alphabet.randomElement(using: &generator) ?? 0, at: at)
                default: bytes.remove(at: at)
                }
                if bytes.isEmpty { bytes = valid }
            }
            if case .complete(let request) = AgentHTTPRequest.parse(bytes) {
                #expect(request.body.count <= AgentHTTPRequest.maximumBody)
                #expect(request.fields.allSatisfy { $0.name == $0.name.lowercased() })
                _ = policy.respond(to: request) { _, _ in .failure(.cancelled) }
            }
        }
        #expect(whole.value("origin") == "https://portal.gov.me")
    }
}
