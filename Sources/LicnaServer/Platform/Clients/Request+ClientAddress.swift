import Vapor

extension Request {
    /// The client this request came from: the peer, or what a configured proxy says in `X-Forwarded-For`
    /// (`ClientAddress.resolve`). Rate limits and sign-in throttling count by it.
    var clientAddress: ClientAddress? {
        ClientAddress.resolve(peer: remoteAddress.flatMap(ClientAddress.init(socket:)), forwardedFor: headers[.xForwardedFor],
                              trustedProxies: application.licna.configuration.trustedProxies)
    }

    /// The key rate limits and throttles count this request's client by; one shared key when the address is unknown.
    var clientLimitKey: ClientKey { clientAddress?.limitKey ?? ClientKey(family: 0, prefix: 0) }
}
