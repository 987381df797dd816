import Foundation
import LicnaPortal
@testable import LicnaServer
import Testing
import VaporTesting

/// The catalogue's pages and JSON (issue 14, items 1, 2 and 8's script switch), and its reloading.
@Suite struct ServicePortalTests {
    let installation: TestInstallation

    init() async throws { installation = try await TestInstallation.make(.sqlite) }

    static func body(_ response: TestingHTTPResponse) -> String { String(buffer: response.body) }

    @Test func searchPagesWorkWithoutJavaScriptInEveryLanguage() async throws {
        try await installation.withApp { app in
            // A misspelled, diacritic-free Montenegrin query: the lost-card service comes first.
            try await app.testing().test(.GET, "/services?lang=cnr&q=izgubio%20sam%20licnu%20kartu") { response in
                #expect(response.status == .ok)
                let page = Self.body(response)
                let first = try #require(page.range(of: "href=\"/services/")).upperBound
                #expect(page[first...].hasPrefix("id-card-lost\""), "\(page)")
                #expect(!page.contains("<script"))
            }
            // The reader's query is shown escaped, never as markup.
            try await app.testing().test(.GET, "/services?lang=en&q=%3Cscript%3Ealert(1)%3C/script%3E") { response in
                #expect(response.status == .ok)
                let page = Self.body(response)
                #expect(!page.contains("<script>alert(1)"))
                #expect(page.contains("&lt;script&gt;alert(1)"))
            }
            // Nothing found, but close: "did you mean".
            try await app.testing().test(.GET, "/services?lang=en&q=pazzport") { response in
                let page = Self.body(response)
                #expect(page.contains("Did you mean") && page.contains("href=\"/services?q=passport\""), "\(page)")
            }
            for language in ["cnr", "sq", "mk", "sr", "en"] {
                try await app.testing().test(.GET, "/services/birth-certificate?lang=\(language)") { response in
                    #expect(response.status == .ok)
                    let page = Self.body(response)
                    let name = try #require(app.licna.catalogue.current.catalogue.service("birth-certificate")).text(ServiceLocale.page(language)).name
                    #expect(page.contains(name.replacingOccurrences(of: "(", with: "(")), "\(language)")
                    #expect(page.contains("href=\"/documents/request/birth-certificate\""))
                }
            }
            try await app.testing().test(.GET, "/services/no-such-service?lang=en", headers: ["Accept": "text/html"]) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func browsingByLifeEventAndInstitution() async throws {
        try await installation.withApp { app in
            try await app.testing().test(.GET, "/api/services?event=birth&lang=en&limit=100") { response in
                let ids = try response.content.decode(ServiceController.APIResults.self).results.map(\.id)
                #expect(ids.contains("birth-certificate") && ids.contains("child-allowance"))
                #expect(!ids.contains("pension-application"))
            }
            try await app.testing().test(.GET, "/api/services?institution=licna&limit=100") { response in
                let ids = try response.content.decode(ServiceController.APIResults.self).results.map(\.id)
                #expect(Set(ids) == ["card-activation", "data-access-log", "e-signature-certificate", "eid-pin-unblock"])
            }
            try await app.testing().test(.GET, "/services?event=retirement&lang=en") { response in
                #expect(Self.body(response).contains("href=\"/services/pension-application\""))
            }
        }
    }

    @Test func theJSONAnswerRanksAndNamesTheLocale() async throws {
        try await installation.withApp { app in
            try await app.testing().test(.GET, "/api/services?q=pasos%20za%20dete&lang=sr-Latn") { response in
                #expect(response.status == .ok)
                let results = try response.content.decode(ServiceController.APIResults.self)
                #expect(results.language == "sr-Latn")
                #expect(results.results.first?.id == "passport")
                #expect(results.results.first.map { $0.name.unicodeScalars.allSatisfy { $0.value < 0x400 } } == true)
                #expect(results.results.first?.url.hasSuffix("/services/passport") == true)
                let scores = results.results.compactMap(\.score)
                #expect(scores == scores.sorted(by: >) && scores.count == results.results.count)
            }
            try await app.testing().test(.GET, "/api/services/birth-certificate?lang=mk") { response in
                let service = try response.content.decode(ServiceController.APIService.self)
                #expect(service.language == "mk-Cyrl" && service.level == "http://eidas.europa.eu/LoA/substantial")
                #expect(service.name.unicodeScalars.contains { (0x400...0x4FF).contains($0.value) })
                #expect(service.onlineForm?.hasSuffix("/documents/request/birth-certificate") == true)
            }
            try await app.testing().test(.GET, "/api/services/nope") { response in
                #expect(response.status == .notFound)
                let body = try response.content.decode([String: String].self)
                #expect(body["error"] == "catalogue-unknown-service")
            }
            // Hostile parameters: a huge query, a negative limit, an unknown event; all answered, none trapped.
            let huge = String(repeating: "ž", count: 10_000).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await app.testing().test(.GET, "/api/services?q=\(huge)&limit=-5&event=party") { response in
                #expect(response.status == .ok)
            }
        }
    }

    /// The Latin/Cyrillic switch: a Serbian page in Latin shows the catalogue and the page's own words in Latin,
    /// and remembers the choice; a Montenegrin page in Cyrillic the other way round.
    @Test func theScriptSwitchChangesTheWholePage() async throws {
        try await installation.withApp { app in
            var cookie: String?
            try await app.testing().test(.GET, "/services/birth-certificate?lang=sr&script=Latn") { response in
                let page = Self.body(response)
                #expect(page.contains("<html lang=\"sr-Latn\""))
                #expect(page.contains("Institucija") && !page.contains("Институција"))
                #expect(page.contains("Izvod"), "\(page)")
                cookie = response.headers.setCookie?["script"]?.string
            }
            #expect(cookie == "Latn")
            try await app.testing().test(.GET, "/services/birth-certificate?lang=cnr&script=Cyrl") { response in
                let page = Self.body(response)
                #expect(page.contains("<html lang=\"cnr-Cyrl\""))
                #expect(page.contains("Институција"), "\(page)")
            }
            try await app.testing().test(.GET, "/services/birth-certificate?lang=sr") { response in
                #expect(Self.body(response).contains("Институција"))
            }
        }
    }

    /// An edited service file is picked up; a broken one is refused and the last good catalogue stays.
    @Test func theCatalogueReloadsAndKeepsTheLastGoodOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("services-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: bundledResource("Services")), to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try ServiceCatalogueStore(folder: folder, checkInterval: .zero)
        #expect(store.current.search.search("zzyzxservice", language: "en").hits.isEmpty)
        let file = folder.appendingPathComponent("passport.json")
        var passport = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var text = try #require(passport["text"] as? [String: Any])
        var english = try #require(text["en"] as? [String: Any])
        english["keywords"] = ((english["keywords"] as? [String]) ?? []) + ["zzyzxservice"]
        text["en"] = english
        passport["text"] = text
        try JSONSerialization.data(withJSONObject: passport).write(to: file)
        #expect(store.current.search.search("zzyzxservice", language: "en").hits.first?.id == "passport")
        try Data("{ not json".utf8).write(to: file)
        #expect(store.current.catalogue.service("passport") != nil)
        #expect(store.current.search.search("zzyzxservice", language: "en").hits.first?.id == "passport")
        // A broken folder does not start a server.
        #expect(throws: CatalogueError.self) { try ServiceCatalogueStore(folder: folder) }
    }
}
