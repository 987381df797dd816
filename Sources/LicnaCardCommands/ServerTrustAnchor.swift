import Crypto
import Foundation
import LicnaBasics
import LicnaCommandLine
import LicnaPKI
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import X509

/// The root certificate of a Licna server (`--server URL`), accepted as a trust anchor only when something other
/// than the server vouches for it: the fingerprint `licna ca init` printed (`--root-sha256 HEX`, else the
/// `LICNA_ROOT_SHA256` environment variable, else `root-sha256 = HEX` in the citizen's config file
/// `$XDG_CONFIG_HOME/licna/licna-card.conf`), or, without one, TLS (https). Over plain http anyone on the path can
/// swap the root and every signature "validates", so an unpinned http server is refused.
public struct ServerTrustAnchor: Sendable {
    /// The pinned SHA-256 of the root's DER, if any.
    public let pinnedSHA256: [UInt8]?

    /// Reads the pin: the option, the environment, then the config file. A malformed pin is a usage error.
    public init(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let configured = option ?? environment["LICNA_ROOT_SHA256"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.configuredPin(environment: environment)
        if let configured {
            guard let bytes = HexArgument.sha256Fingerprint(configured) else { throw explained(Exit.usage, "cli.server.root-pin-format", ["value": String(configured.prefix(100))]) }
            pinnedSHA256 = bytes
        } else {
            pinnedSHA256 = nil
        }
    }

    /// `root-sha256 = HEX` from `$XDG_CONFIG_HOME/licna/licna-card.conf` (default `~/.config/licna/licna-card.conf`).
    static func configuredPin(environment: [String: String]) -> String? {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        guard let text = try? String(contentsOfFile: base + "/licna/licna-card.conf", encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == "root-sha256" { return parts[1] }
        }
        return nil
    }

    /// Fetches `/pki/ca/root.cer` from the server and returns it when the pin matches, or, unpinned, when the server
    /// was reached over https; otherwise refuses and says how to pin.
    public func root(of server: String) async throws -> Certificate {
        guard let base = URL(string: server), let scheme = base.scheme?.lowercased(), ["http", "https"].contains(scheme), base.host != nil else {
            throw explained(Exit.usage, "cli.server.url", ["value": String(server.prefix(200))])
        }
        guard scheme == "https" || pinnedSHA256 != nil else {
            throw explained(Exit.usage, "cli.server.root-unpinned", ["url": server])
        }
        let (root, der) = try await Self.fetchRoot(of: base)
        if let pinnedSHA256 {
            let actual = Array(SHA256.hash(data: der))
            guard actual == pinnedSHA256 else {
                throw explained(Exit.failed, "cli.server.root-mismatch", ["url": base.appendingPathComponent("pki/ca/root.cer").absoluteString,
                                                                         "actual": actual.hexString])
            }
        }
        return root
    }

    /// `/pki/ca/root.cer` of a server, as sent (at most 64 KB, 30 s), trusted for nothing yet.
    public static func fetchRoot(of base: URL) async throws -> (certificate: Certificate, der: [UInt8]) {
        let url = base.appendingPathComponent("pki/ca/root.cer")
        var request = URLRequest(url: url)
        request.timeoutInterval = 30
        guard let (data, response) = try? await URLSession.shared.data(for: request), (response as? HTTPURLResponse)?.statusCode == 200,
              data.count <= 64 * 1024, let root = try? Certificate(derEncoded: Array(data)) else {
            throw explained(Exit.failed, "cli.verify.root-unreachable", ["url": url.absoluteString])
        }
        return (root, Array(data))
    }
}
