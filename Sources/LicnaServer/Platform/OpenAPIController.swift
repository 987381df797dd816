import Crypto
import Foundation
import LicnaBasics
import Vapor

/// `GET /api/openapi.json`: the OpenAPI 3.1 document (OpenAPI Specification 3.1.0 §4.8) that describes every JSON
/// API of this server for integrators. The document is written by hand in the bundled `Resources/OpenAPI`; a test
/// (`OpenAPIDocumentTests`) keeps it in step with the registered routes, and the interop suite runs schemathesis
/// against a running server with it. It is public and the same for everyone, so caches may keep it.
struct OpenAPIController: RouteCollection {
    /// Where the document is served.
    static let path = "/api/openapi.json"
    /// How long caches may keep the document: it changes only with a new version of the server.
    static let maximumAge = 3600

    let document: ByteBuffer
    let entityTag: String

    /// Reads the bundled document once, at start; a missing or unreadable document stops the server from starting.
    init() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.bundledDocumentPath()))
        document = ByteBuffer(data: bytes)
        entityTag = "\"" + Array(SHA256.hash(data: bytes).prefix(8)).hexString + "\""
    }

    /// The file of the bundled document.
    static func bundledDocumentPath() -> String {
        bundledResource("OpenAPI") + "openapi.json"
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("api", "openapi.json", use: serve)
    }

    func serve(request: Request) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=\(Self.maximumAge)")
        headers.replaceOrAdd(name: .eTag, value: entityTag)
        if request.headers.first(name: .ifNoneMatch) == entityTag {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(buffer: document))
    }
}
