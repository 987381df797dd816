import Foundation
@testable import LicnaServer
import Testing
import Vapor
import VaporTesting

/// The OpenAPI document (`GET /api/openapi.json`) stays in step with the server: every route under `/api/` is in
/// it with its method, every operation it describes is a registered route, and it is OpenAPI 3.1.
@Suite struct OpenAPIDocumentTests {
    let installation: TestInstallation

    init() async throws { installation = try await TestInstallation.make(.sqlite) }

    /// An operation as "METHOD /path/{parameter}".
    static func operation(_ method: HTTPMethod, _ path: [PathComponent]) -> String {
        let template = path.map { component -> String in
            switch component {
            case .constant(let text): text
            case .parameter(let name): "{\(name)}"
            case .anything: "*"
            case .catchall: "**"
            }
        }
        return "\(method.rawValue) /" + template.joined(separator: "/")
    }

    /// The operations the document describes.
    static func operations(in document: [String: Any]) throws -> Set<String> {
        let paths = try #require(document["paths"] as? [String: Any])
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var result: Set<String> = []
        for (path, item) in paths {
            let item = try #require(item as? [String: Any], "\(path)")
            for method in item.keys where methods.contains(method) {
                result.insert("\(method.uppercased()) \(path)")
            }
        }
        return result
    }

    func served(_ app: Application) async throws -> [String: Any] {
        var document: [String: Any] = [:]
        try await app.testing().test(.GET, OpenAPIController.path) { response in
            #expect(response.status == .ok)
            #expect(response.headers.contentType == .json)
            #expect(response.headers.first(name: .cacheControl)?.hasPrefix("public") == true)
            document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
        }
        return document
    }

    @Test func everyAPIRouteIsDescribedAndEveryDescribedOperationIsARoute() async throws {
        try await installation.withApp { app in
            let document = try await served(app)
            #expect(document["openapi"] as? String == "3.1.0")
            let described = try Self.operations(in: document)
            let registered = Set(app.routes.all.map { Self.operation($0.method, $0.path) })
            let api = registered.filter { $0.split(separator: " ")[1].hasPrefix("/api/") }
            #expect(api.count >= 13)
            #expect(api.subtracting(described).isEmpty, "routes missing from the document: \(api.subtracting(described).sorted())")
            #expect(described.subtracting(registered).isEmpty, "operations that are not routes: \(described.subtracting(registered).sorted())")
        }
    }

    @Test func everyReferenceResolvesAndEveryOperationHasAnErrorShape() async throws {
        try await installation.withApp { app in
            let document = try await served(app)
            let components = try #require(document["components"] as? [String: Any])
            var references: [String] = []
            func collect(_ value: Any) {
                if let object = value as? [String: Any] {
                    if let reference = object["$ref"] as? String { references.append(reference) }
                    object.values.forEach(collect)
                } else if let array = value as? [Any] {
                    array.forEach(collect)
                }
            }
            collect(document)
            #expect(!references.isEmpty)
            for reference in references {
                let parts = reference.split(separator: "/").map(String.init)
                #expect(parts.count == 4 && parts[0] == "#" && parts[1] == "components", "\(reference)")
                guard parts.count == 4 else { continue }
                let section = components[parts[2]] as? [String: Any]
                #expect(section?[parts[3]] != nil, "\(reference) does not resolve")
            }
            let error = try #require((components["schemas"] as? [String: Any])?["Error"] as? [String: Any])
            #expect(Set(error["required"] as? [String] ?? []) == ["error", "message"])
            let schemes = try #require(components["securitySchemes"] as? [String: Any])
            #expect((schemes["officerToken"] as? [String: Any])?["scheme"] as? String == "bearer")
            #expect((schemes["officerSession"] as? [String: Any])?["name"] as? String == OfficerGuardMiddleware.cookieName)
        }
    }

    @Test func theDocumentIsCacheableAndAnswersConditionalRequests() async throws {
        try await installation.withApp { app in
            var tag: String?
            try await app.testing().test(.GET, OpenAPIController.path) { response in
                #expect(response.headers.first(name: .cacheControl) == "public, max-age=\(OpenAPIController.maximumAge)")
                tag = response.headers.first(name: .eTag)
            }
            let entityTag = try #require(tag)
            try await app.testing().test(.GET, OpenAPIController.path, headers: ["If-None-Match": entityTag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            // Every other answer under /api/ stays uncacheable.
            try await app.testing().test(.POST, "api/registry/search") { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers.first(name: .cacheControl) == "no-store")
            }
        }
    }
}
