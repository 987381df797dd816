import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LicnaPKI

/// A timestamp authority reached over HTTP (RFC 3161 §3.4: `application/timestamp-query` in,
/// `application/timestamp-reply` out), e.g. Licna's own `/pki/tsa`.
public struct HTTPTimestampAuthority: TimestampAuthority {
    public let url: URL
    public var timeout: TimeInterval

    public init(url: URL, timeout: TimeInterval = 20) {
        self.url = url
        self.timeout = timeout
    }

    public func timestamp(_ imprint: MessageImprint, nonce: [UInt8]) async throws -> TimeStampToken {
        let query = try TimeStampRequest(messageImprint: imprint, nonce: nonce, certificateRequested: true).derBytes()
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.timeoutInterval = timeout
        request.setValue("application/timestamp-query", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(query)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw SigningError(.timestampUnavailable, "the timestamp authority \(url.absoluteString) answered HTTP \(status)")
        }
        guard data.count <= 256 * 1024 else {
            throw SigningError(.timestampUnavailable, "the timestamp authority's answer is too large")
        }
        return try TimeStampToken(responseDER: Array(data))
    }
}
