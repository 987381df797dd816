import Foundation
import NIOCore

/// A client's IP address as its bytes: 4 for IPv4, 16 for IPv6 (an IPv4-mapped IPv6 address, `::ffff:a.b.c.d`, is
/// folded to its 4 bytes, so one host is one client whichever way the socket reports it).
struct ClientAddress: Hashable, Sendable, CustomStringConvertible {
    let bytes: [UInt8]

    init?(_ text: some StringProtocol) {
        var text = String(text).trimmingCharacters(in: .whitespaces)
        // `[2001:db8::1]` and a zone index (`fe80::1%eth0`) are how some proxies and sockets print IPv6.
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            let all = withUnsafeBytes(of: &v6) { Array($0) }
            bytes = all.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] ? Array(all.suffix(4)) : all
        } else {
            return nil
        }
    }

    /// The address of a connected socket, straight from its bytes (no text round trip: the OCSP listener takes
    /// it for every freshly signed answer); nil for a Unix domain socket.
    init?(socket: SocketAddress) {
        switch socket {
        case .v4(let address):
            var raw = address.address.sin_addr
            bytes = withUnsafeBytes(of: &raw) { Array($0) }
        case .v6(let address):
            var raw = address.address.sin6_addr
            let all = withUnsafeBytes(of: &raw) { Array($0) }
            bytes = all.prefix(12).elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]) ? Array(all.suffix(4)) : all
        case .unixDomainSocket:
            return nil
        }
    }

    var isIPv6: Bool { bytes.count == 16 }

    /// What rate limits and login throttling count by: the whole IPv4 address, or the first 64 bits of an IPv6
    /// address — a /64 is one subnet (RFC 4291 §2.5.4) that a single host can fill with addresses of its own.
    var limitKey: ClientKey {
        var high: UInt64 = 0
        for byte in bytes.prefix(8) { high = high << 8 | UInt64(byte) }
        return ClientKey(family: isIPv6 ? 6 : 4, prefix: high)
    }

    var description: String {
        if !isIPv6 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }
}

/// The unit a per-client limit counts: an IPv4 address or an IPv6 /64, in 9 bytes.
struct ClientKey: Hashable, Sendable {
    let family: UInt8
    let prefix: UInt64
}
