import Foundation
import LicnaBasics
import LicnaCore
@testable import LicnaServer
import LicnaTranslations
import Testing
import VaporTesting

@Suite struct HTTPTests {
    let installation: TestInstallation

    init() async throws { installation = try await TestInstallation.make(.sqlite) }

    @Test func health() async throws {
        try await installation.withApp { app in
            try await app.testing().test(.GET, "health") { response in
                #expect(response.status == .ok)
                let body = try response.content.decode([String: String].self)
                #expect(body["status"] == "ok" && body["database"] == "ok" && body["storage"] == "sqlite")
            }
            try await app.testing().test(.GET, "health/live") { response in
                #expect(response.status == .ok)
                let body = try response.content.decode([String: String].self)
                #expect(body == ["status": "ok"])
            }
            // Metrics have their own listener (issue 10, item 8): the public one answers 404.
            try await app.testing().test(.GET, "metrics") { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test(arguments: [("cnr", "Dobro došli u Licna"), ("sq", "Mirë se vini në Licna"), ("mk", "Добредојдовте во Licna"),
                      ("sr", "Добро дошли у Licna"), ("en", "Welcome to Licna")])
    func languageSwitch(language: String, heading: String) async throws {
        try await installation.withApp { app in
            try await app.testing().test(.GET, "/?lang=\(language)") { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("<html lang=\"\(language)\">"))
                #expect(response.body.string.contains("<h1>\(heading)</h1>"))
                #expect(response.headers.setCookie?["lang"]?.string == language)
            }
            // The cookie then keeps the choice.
            try await app.testing().test(.GET, "/", beforeRequest: { request in
                request.headers.cookie = ["lang": .init(string: language)]
            }) { response in
                #expect(response.body.string.contains("<h1>\(heading)</h1>"))
            }
        }
    }

    @Test func acceptLanguageAndFallback() async throws {
        try await installation.withApp { app in
            try await app.testing().test(.GET, "/", headers: ["Accept-Language": "de-DE, sq;q=0.8"]) { response in
                #expect(response.body.string.contains("<html lang=\"sq\">"))
            }
            try await app.testing().test(.GET, "/", headers: ["Accept-Language": "de-DE"]) { response in
                #expect(response.body.string.contains("<html lang=\"cnr\">"))
            }
        }
    }

    @Test func everyLanguageHasEveryMessage() {
        let tables = Translations.bundled.tables
        #expect(Set(tables.keys) == Set(Translations.languages))
        let english = Set(tables["en"]?.keys ?? [:].keys)
        #expect(english.count > 50)
        for language in Translations.languages {
            #expect(Set(tables[language]?.keys ?? [:].keys) == english, "\(language)")
        }
    }

    @Test func securityHeadersOnEveryResponse() async throws {
        try await installation.withApp { app in
            for path in ["/", "/health", "/officer/registry", "/nothing-here", "/licna.css"] {
                try await app.testing().test(.GET, path) { response in
                    #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                    #expect(response.headers.first(name: "X-Frame-Options") == "DENY", "\(path)")
                    #expect(response.headers.first(name: "Referrer-Policy") == "no-referrer", "\(path)")
                    #expect(response.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true, "\(path)")
                }
            }
        }
    }

    @Test func registrySearchNeedsAnOfficer() async throws {
        try await installation.withApp(demo: true) { app in
            let officer = try await officerToken(app)
            let search = ["name": "Vuković", "purpose": "citizen-request"]
            try await app.testing().test(.POST, "api/registry/search", beforeRequest: { try $0.content.encode(search) }) { response in
                #expect(response.status == .unauthorized)
                let error = try response.content.decode([String: String].self)["error"]
                #expect(error == "unauthorized")
            }
            try await app.testing().test(.POST, "api/registry/search", headers: ["Authorization": "Bearer wrong"],
                                         beforeRequest: { try $0.content.encode(search) }) { response in
                #expect(response.status == .unauthorized)
            }
            // The admin token only names the first administrator (issue 13, item 6).
            try await app.testing().test(.POST, "api/registry/search", headers: ["Authorization": "Bearer \(TestInstallation.adminToken)"],
                                         beforeRequest: { try $0.content.encode(search) }) { response in
                #expect(response.status == .forbidden)
                let error = try response.content.decode([String: String].self)["error"]
                #expect(error == "admin-token-limited")
            }
            try await app.testing().test(.POST, "api/registry/search", headers: ["Authorization": "Bearer \(officer)"],
                                         beforeRequest: { try $0.content.encode(search) }) { response in
                #expect(response.status == .ok)
                #expect(response.headers.first(name: .cacheControl) == "no-store")
                let persons = try response.content.decode([PersonView].self)
                #expect(persons.map(\.givenName) == ["Milica"])
                #expect(persons[0].jmbg == nil)
                #expect(!response.body.string.contains("jmbg"))
            }
            try await app.testing().test(.GET, "officer/registry") { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/officer/login")
            }
        }
    }

    @Test func officerPageSearchesByPostWithSessionCookie() async throws {
        try await installation.withApp(demo: true) { app in
            let officer = try await officerToken(app)
            var cookie: String?
            try await app.testing().test(.POST, "officer/login", beforeRequest: { try $0.content.encode(["token": "wrong"], as: .urlEncodedForm) }) { response in
                #expect(response.status == .unauthorized)
            }
            // A wrong token costs half a second before the next try is checked (OfficerSessionTests).
            try await Task.sleep(for: .milliseconds(600))
            try await app.testing().test(.POST, "officer/login", beforeRequest: { try $0.content.encode(["token": officer], as: .urlEncodedForm) }) { response in
                #expect(response.status == .seeOther)
                let value = response.headers.setCookie?[OfficerGuardMiddleware.cookieName]
                #expect(value?.isHTTPOnly == true && value?.sameSite == .strict)
                cookie = value?.string
            }
            let session = try #require(cookie)
            // The JMBG goes in the form body, never in the URL.
            let today = CivilDate(year: 2026, month: 11, day: 29)!
            let vesnaJMBG = try JMBGAllocator().candidates(birthDate: CivilDate(year: 1950, month: 5, day: 8)!, regionCode: 23, sex: .female)[0]
            _ = today
            try await app.testing().test(.POST, "officer/registry", headers: ["Accept": "text/html"], beforeRequest: { request in
                request.headers.cookie = [OfficerGuardMiddleware.cookieName: .init(string: session)]
                try request.content.encode(["jmbg": vesnaJMBG.digits, "purpose": "citizen-request"], as: .urlEncodedForm)
            }) { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("Vesna Radulović"))
                #expect(!response.body.string.contains(vesnaJMBG.digits))
            }
            try await app.testing().test(.POST, "officer/registry", headers: ["Accept": "text/html"], beforeRequest: { request in
                request.headers.cookie = [OfficerGuardMiddleware.cookieName: .init(string: session)]
                try request.content.encode(["jmbg": "0101006500007", "purpose": "citizen-request"], as: .urlEncodedForm)
            }) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.string.contains("Kontrolna cifra se ne slaže"))
                // Shown on the search form itself (the officer keeps the page), not on the generic error page.
                #expect(response.body.string.contains("name=\"jmbg\""))
            }
        }
    }

    @Test func apiErrorsAreJSONWithACodeAndAMessage() async throws {
        try await installation.withApp { app in
            let officer = try await officerToken(app)
            try await app.testing().test(.GET, "api/nothing") { response in
                #expect(response.status == .notFound)
                let body = try response.content.decode([String: String].self)
                #expect(body["error"] == "not-found")
                #expect(body["message"]?.isEmpty == false)
            }
            try await app.testing().test(.POST, "api/registry/search", headers: ["Authorization": "Bearer \(officer)", "Content-Type": "application/json"],
                                         body: .init(string: "{not json")) { response in
                #expect(response.status == .badRequest)
                let error = try response.content.decode([String: String].self)["error"]
                #expect(error == "bad-request")
            }
            try await app.testing().test(.POST, "api/registry/search", headers: ["Authorization": "Bearer \(officer)"],
                                         beforeRequest: { try $0.content.encode(["jmbg": "0101006500007", "name": "x"]) }) { response in
                #expect(response.status == .badRequest)
                let error = try response.content.decode([String: String].self)["error"]
                #expect(error == "one-criterion")
            }
        }
    }

    @Test func birthAndDeathThroughTheAPI() async throws {
        try await installation.withApp { app in
            let officer = try await officerToken(app)
            let registration = BirthRegistration(givenName: "Iva", surname: "Kovačević", birthDate: CivilDate(year: 2026, month: 11, day: 2)!,
                                                 birthPlace: "Budva", sex: .female, regionCode: 23, address: "Mediteranska 1", municipality: "Budva")
            var id: UUID?
            try await app.testing().test(.POST, "api/registry/births", headers: ["Authorization": "Bearer \(officer)"],
                                         beforeRequest: { try $0.content.encode(registration) }) { response in
                #expect(response.status == .created)
                struct Registered: Decodable { let person: PersonView; let jmbg: String }
                let registered = try response.content.decode(Registered.self)
                #expect(registered.jmbg.hasPrefix("0211026235"))
                id = registered.person.id.rawValue
            }
            let personID = try #require(id)
            try await app.testing().test(.POST, "api/registry/deaths", headers: ["Authorization": "Bearer \(officer)"],
                                         beforeRequest: { try $0.content.encode(["personId": personID.uuidString, "date": "2026-11-20"]) }) { response in
                #expect(response.status == .ok)
                let person = try response.content.decode(PersonView.self)
                #expect(person.status == "deceased")
            }
        }
    }
}
