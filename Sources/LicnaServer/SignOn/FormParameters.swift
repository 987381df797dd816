import Foundation

/// `application/x-www-form-urlencoded` text (a query string or a form body) read strictly: each name once — a
/// repeated name is reported, not silently resolved (OpenID Connect Core §3.1.2.1, RFC 6749 §3.1) — and at most
/// 64 KiB and 100 pairs.
struct FormParameters: Sendable {
    var values: [String: String] = [:]
    var repeated: Set<String> = []

    static let maximumBytes = 65_536
    static let maximumPairs = 100

    init?(_ text: String) {
        guard text.utf8.count <= Self.maximumBytes else { return nil }
        let pairs = text.split(separator: "&", omittingEmptySubsequences: true)
        guard pairs.count <= Self.maximumPairs else { return nil }
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else { return nil }
            if values[name] != nil { repeated.insert(name) }
            values[name] = value
        }
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
