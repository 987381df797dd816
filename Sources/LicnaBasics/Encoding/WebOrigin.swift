import Foundation

/// The ASCII serialization of a URL's origin (RFC 6454 §6.2): `scheme://host`, with `:port` only when it is not the
/// scheme's default; scheme and host in lowercase. A card-signed token binds it (STANDARDS.md): the citizen's tool
/// computes it from the server it connected to, the server from its own public address.
public enum WebOrigin {
    public static func serialization(of text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased(), !host.isEmpty else { return nil }
        let defaultPort = scheme == "https" ? 443 : scheme == "http" ? 80 : nil
        let port = components.port.flatMap { $0 == defaultPort ? nil : ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)"
    }
}
