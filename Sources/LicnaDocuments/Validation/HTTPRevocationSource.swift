import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches OCSP responses and CRLs over http(s) with a timeout and a size limit, only from hosts it is allowed
/// to reach (the public `/verify` page must not become a way into the server's network: no server-side request
/// forgery). An empty `allowedHosts` allows every host (the command line).
public struct HTTPRevocationSource: RevocationSource {
    public var allowedHosts: Set<String>
    public var timeout: TimeInterval
    public var maximumSize: Int

    public init(allowedHosts: Set<String> = [], timeout: TimeInterval = 10, maximumSize: Int = 10 * 1024 * 1024) {
        self.allowedHosts = allowedHosts
        self.timeout = timeout
        self.maximumSize = maximumSize
    }

    /// Whether `url` may be fetched: http or https, and a configured host when hosts are configured.
    public func allows(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = url.host?.lowercased() else {
            return false
        }
        return allowedHosts.isEmpty || allowedHosts.contains(host) || allowedHosts.contains("\(host):\(url.port ?? (scheme == "https" ? 443 : 80))")
    }

    public func ocspResponse(url: String, request: [UInt8]) async -> [UInt8]? {
        guard let target = URL(string: url), allows(target) else { return nil }
        var message = URLRequest(url: target)
        message.httpMethod = "POST"
        message.setValue("application/ocsp-request", forHTTPHeaderField: "Content-Type")
        message.httpBody = Data(request)
        return await fetch(message)
    }

    public func crl(url: String) async -> [UInt8]? {
        guard let target = URL(string: url), allows(target) else { return nil }
        return await fetch(URLRequest(url: target))
    }

    private func fetch(_ request: URLRequest) async -> [UInt8]? {
        var request = request
        request.timeoutInterval = timeout
        let session = URLSession(configuration: .ephemeral, delegate: RedirectRefusal(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        guard let (data, response) = try? await session.data(for: request),
              (response as? HTTPURLResponse)?.statusCode == 200, data.count <= maximumSize else { return nil }
        return Array(data)
    }
}

/// Redirects are not followed: an allowed host must not be able to send the fetch elsewhere.
private final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
