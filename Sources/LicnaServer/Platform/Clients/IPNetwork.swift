/// An address range in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`, or one address): `serve --trusted-proxy`.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    let address: ClientAddress
    let prefixLength: Int

    public init?(cidr text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = ClientAddress(parts[0]) else { return nil }
        let bits = address.bytes.count * 8
        var length = bits
        if parts.count == 2 {
            // ASCII digits only: `Int` rejects other scripts' digits, and the length must fit the family.
            guard parts[1].utf8.count <= 3, let value = Int(parts[1]), (0...bits).contains(value) else { return nil }
            length = value
        }
        self.address = address
        self.prefixLength = length
    }

    func contains(_ candidate: ClientAddress) -> Bool {
        guard candidate.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(address.bytes, candidate.bytes) {
            guard remaining > 0 else { return true }
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if a & mask != b & mask { return false }
            remaining -= 8
        }
        return true
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

extension ClientAddress {
    /// The client a request came from: the peer, unless the peer is a configured proxy, in which case the rightmost
    /// `X-Forwarded-For` entry that is not itself a configured proxy (entries to its left are the client's own claims
    /// and are not trusted). A header from anyone else is ignored, so clients cannot pick their own identity.
    static func resolve(peer: ClientAddress?, forwardedFor: [String], trustedProxies: [IPNetwork]) -> ClientAddress? {
        guard let peer else { return nil }
        guard !trustedProxies.isEmpty, trustedProxies.contains(where: { $0.contains(peer) }) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for hop in hops.reversed() {
            guard let address = ClientAddress(hop) else { break }
            client = address
            if !trustedProxies.contains(where: { $0.contains(address) }) { break }
        }
        return client
    }
}
