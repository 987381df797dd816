import Foundation
import LicnaAPI
import LicnaBasics

/// What `licna-card agent` answers (docs/signon.md, "The card agent"): the rules a loopback helper needs so that no
/// web page but the configured portals can make the card sign, kept apart from sockets and the card so that tests
/// can try every hostile request.
///
/// - `Host` must be the agent's own loopback address and port: a page on an attacker's name that resolves to
///   127.0.0.1 (DNS rebinding) sends its own name and is refused.
/// - `Origin` must be one of the configured portal origins (RFC 6454 serialization), else the answer is 403 without
///   any CORS field, so the browser hands the page nothing. A request without `Origin` is not from a browser page
///   the agent serves, and is refused too.
/// - CORS preflights (Fetch standard) and Private Network Access preflights
///   (`Access-Control-Request-Private-Network: true`) are answered for those origins only.
/// - The card signs `H(origin) ‖ H(nonce)` with the browser's `Origin` (STANDARDS.md, "The card-signed token"),
///   never an origin from the body; the nonce must be base64 of at least 32 bytes.
public struct CardAgentPolicy: Sendable {
    /// The configured portal origins, serialized.
    public let origins: Set<String>
    public let port: Int

    /// What the card side reports when it cannot sign.
    public enum Refusal: Error, Sendable, Equatable {
        case wrongPIN(triesLeft: Int)
        case pinBlocked
        case cancelled
        case noCard(String)
        case failed(String)
    }

    /// Signs for `origin` and `nonce` (asking the person for the PIN, showing `origin`), or says why not.
    public typealias Signer = (_ origin: String, _ nonce: String) -> Result<CardSignedToken, Refusal>

    public init(origins: [String], port: Int) {
        self.origins = Set(origins.compactMap(WebOrigin.serialization(of:)))
        self.port = port
    }

    public func respond(to request: AgentHTTPRequest, sign: Signer) -> AgentHTTPResponse {
        guard let host = request.value("host")?.lowercased(), ["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)"].contains(host) else {
            return Self.refusal(403, "host", "the Host field is not this agent's loopback address", origin: nil)
        }
        guard let origin = request.value("origin"), origins.contains(origin) else {
            return Self.refusal(403, "origin", "this page's origin is not one the agent was started for", origin: nil)
        }
        let path = request.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.target
        guard ["/status", "/authenticate"].contains(path) else { return Self.refusal(404, "not-found", "no such endpoint", origin: origin) }
        switch request.method {
        case "OPTIONS":
            return preflight(request, origin: origin)
        case "GET" where path == "/status":
            return Self.json(200, ["app": "licna-card", "version": "1", "format": CardSignedToken.currentFormat], origin: origin)
        case "POST" where path == "/authenticate":
            return authenticate(request, origin: origin, sign: sign)
        default:
            return Self.refusal(405, "method", "method \(request.method) is not allowed here", origin: origin)
        }
    }

    private func preflight(_ request: AgentHTTPRequest, origin: String) -> AgentHTTPResponse {
        guard let method = request.value("access-control-request-method"), ["GET", "POST"].contains(method) else {
            return Self.refusal(405, "method", "the preflight asks for a method this agent does not serve", origin: origin)
        }
        let asked = (request.value("access-control-request-headers") ?? "").lowercased().split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard asked.allSatisfy({ $0 == "content-type" }) else {
            return Self.refusal(403, "headers", "the preflight asks for request fields this agent does not accept", origin: origin)
        }
        var fields = Self.common(origin: origin)
        fields += [("Access-Control-Allow-Methods", "GET, POST"), ("Access-Control-Allow-Headers", "Content-Type"), ("Access-Control-Max-Age", "600")]
        if request.value("access-control-request-private-network")?.lowercased() == "true" {
            fields.append(("Access-Control-Allow-Private-Network", "true"))
        }
        return AgentHTTPResponse(status: 204, fields: fields)
    }

    private func authenticate(_ request: AgentHTTPRequest, origin: String, sign: Signer) -> AgentHTTPResponse {
        guard let type = request.value("content-type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased(),
              type == "application/json" else {
            return Self.refusal(415, "content-type", "send the challenge as application/json", origin: origin)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
              let nonce = object["challengeNonce"] as? String, nonce.utf8.count <= 256,
              let decoded = Data(base64Encoded: nonce), decoded.count >= 32 else {
            return Self.refusal(400, "challenge", "the body must be {\"challengeNonce\": base64 of at least 32 bytes}", origin: origin)
        }
        switch sign(origin, nonce) {
        case .success(let token):
            guard let body = try? JSONEncoder().encode(token) else { return Self.refusal(500, "failed", "the token could not be encoded", origin: origin) }
            return AgentHTTPResponse(status: 200, fields: Self.common(origin: origin) + [("Content-Type", "application/json")], body: Array(body))
        case .failure(.wrongPIN(let left)):
            return Self.json(401, ["error": "wrong-pin", "triesLeft": left], origin: origin)
        case .failure(.pinBlocked):
            return Self.refusal(423, "pin-blocked", "the PIN is blocked; unblock it with the PUK (licna-card unblock-pin)", origin: origin)
        case .failure(.cancelled):
            return Self.refusal(403, "cancelled", "the person did not enter the PIN", origin: origin)
        case .failure(.noCard(let detail)):
            return Self.refusal(503, "no-card", detail, origin: origin)
        case .failure(.failed(let detail)):
            return Self.refusal(500, "failed", detail, origin: origin)
        }
    }

    static func common(origin: String?) -> [(String, String)] {
        var fields = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"), ("Vary", "Origin")]
        if let origin { fields.insert(("Access-Control-Allow-Origin", origin), at: 0) }
        return fields
    }

    static func json(_ status: Int, _ object: [String: Any], origin: String?) -> AgentHTTPResponse {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return AgentHTTPResponse(status: status, fields: common(origin: origin) + [("Content-Type", "application/json")], body: Array(body))
    }

    static func refusal(_ status: Int, _ code: String, _ message: String, origin: String?) -> AgentHTTPResponse {
        json(status, ["error": code, "message": message], origin: origin)
    }
}
