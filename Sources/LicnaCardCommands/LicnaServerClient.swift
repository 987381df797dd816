import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCommandLine
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The citizen's side of a Licna server's card API: JSON over HTTP, the server's refusals as `APIFailure` (its
/// translated message, and an exit status by its HTTP status). Answers are read up to 1 MiB.
public struct LicnaServerClient: Sendable {
    public let base: URL
    /// The officer's admin token, sent as `Authorization: Bearer` (officer APIs only).
    public var bearerToken: String?

    public init(base: URL, bearerToken: String? = nil) {
        self.base = base
        self.bearerToken = bearerToken
    }

    /// A client for `--server URL`: http or https with a host, else a usage error.
    public init(server: String) throws {
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw explained(Exit.usage, "cli.server.url", ["value": String(server.prefix(200))])
        }
        base = url
    }

    /// The origin a card signs for this server (RFC 6454 §6.2): scheme, host and a port other than the default.
    public var origin: String { WebOrigin.serialization(of: base.absoluteString) ?? base.absoluteString }

    /// POSTs `body` as JSON to `path` and decodes the answer (any 2xx).
    public func post<Body: Encodable, Answer: Decodable>(_ path: String, _ body: Body, as: Answer.Type = Answer.self) async throws -> Answer {
        try decode(try await send(path, body), path)
    }

    /// GETs `path` (with its query) and decodes the answer.
    public func get<Answer: Decodable>(_ path: String, query: [URLQueryItem] = [], as: Answer.Type = Answer.self) async throws -> Answer {
        try decode(try await request("GET", path, query: query, body: nil), path)
    }

    /// GETs `path` and returns the answer's bytes.
    public func getData(_ path: String, query: [URLQueryItem] = []) async throws -> Data {
        try await request("GET", path, query: query, body: nil)
    }

    private func decode<Answer: Decodable>(_ data: Data, _ path: String) throws -> Answer {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { return try decoder.decode(Answer.self, from: data) } catch {
            throw APIFailure(url: base.appendingPathComponent(path).absoluteString, status: 200, code: .apiUnexpectedAnswer, message: "\(error)")
        }
    }

    /// POSTs `body` as JSON and returns the answer's bytes (any 2xx).
    @discardableResult
    public func send<Body: Encodable>(_ path: String, _ body: Body) async throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return try await request("POST", path, query: [], body: try encoder.encode(body))
    }

    private func request(_ method: String, _ path: String, query: [URLQueryItem], body: Data?) async throws -> Data {
        var url = base.appendingPathComponent(path)
        if !query.isEmpty, var components = URLComponents(url: url, resolvingAgainstBaseURL: false) {
            components.queryItems = query
            url = components.url ?? url
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        request.setValue(Terminal.language, forHTTPHeaderField: "Accept-Language")
        if let bearerToken { request.setValue("Bearer \(bearerToken)", forHTTPHeaderField: "Authorization") }
        let data: Data
        let response: URLResponse
        do { (data, response) = try await URLSession.shared.data(for: request) } catch {
            throw explained(Exit.failed, "cli.server.unreachable", ["url": url.absoluteString, "detail": error.localizedDescription])
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard data.count <= 1 << 20 else {
            throw APIFailure(url: url.absoluteString, status: status, code: .apiUnexpectedAnswer, message: "an answer of \(data.count) bytes")
        }
        guard (200..<300).contains(status) else { throw APIFailure(url: url.absoluteString, status: status, body: data) }
        return data
    }
}
