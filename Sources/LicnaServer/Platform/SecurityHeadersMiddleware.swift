import Vapor

/// Security headers on every response (OWASP Secure Headers Project): no framing, no MIME sniffing, no referrer,
/// a strict content security policy, and HSTS when the public address is https. Pages and APIs that show personal
/// data are never cached.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    let https: Bool

    /// The content security policy (CSP Level 3): everything from this origin only; a page may widen `connect-src`
    /// (the sign-in page, to the card agent on loopback) or `form-action` (the consent page, whose answer redirects to
    /// the relying party, which browsers check against form-action too).
    static func contentSecurityPolicy(connect: String? = nil, formAction: String? = nil) -> String {
        var policy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        if let connect { policy += "connect-src 'self' \(connect); " }
        policy += "form-action 'self'\(formAction.map { " " + $0 } ?? ""); frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        return policy
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers: [(String, String)] = [
            ("Content-Security-Policy", Self.contentSecurityPolicy()),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Cross-Origin-Resource-Policy", "same-origin"),
        ]
        for (name, value) in headers where !response.headers.contains(name: name) {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        if https {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains")
        }
        let path = request.url.path
        // The OpenAPI document is the one public, cacheable answer under /api/.
        if path.hasPrefix("/officer") || (path.hasPrefix("/api/") && path != OpenAPIController.path) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}
