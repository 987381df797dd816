import Foundation
import Testing
@testable import LicnaPortal

/// Search over the shipped catalogue: the independent query set (tests/search/service-queries.json, written without
/// looking at the service files), generated misspellings, and indifference to diacritics, script and case.
@Suite struct ServiceSearchTests {
    static let catalogue = try! ServiceCatalogue.load(folder: ServiceCatalogueTests.shippedFolder)
    static let search = ServiceSearch(catalogue: catalogue)

    struct Query: Decodable, Sendable, CustomTestStringConvertible {
        let q: String
        let lang: String
        let expect: String
        var testDescription: String { "\(lang): \(q) → \(expect)" }
    }

    static let queries: [Query] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("tests/search/service-queries.json")
        return try! JSONDecoder().decode([Query].self, from: Data(contentsOf: file))
    }()

    @Test func theQuerySetIsLargeAndCoversEveryService() {
        #expect(Self.queries.count >= 100)
        let covered = Set(Self.queries.map(\.expect))
        #expect(covered == Set(ServiceCatalogueTests.requiredIDs))
        #expect(Set(Self.queries.map(\.lang)) == Set(ServiceLocale.languages))
    }

    @Test(arguments: queries) func eachQueryFindsItsServiceAmongTheFirstThree(_ query: Query) {
        let hits = Self.search.search(query.q, language: query.lang, limit: 3).hits.map(\.id)
        #expect(hits.contains(query.expect), "\(query.q) [\(query.lang)] → \(hits)")
    }

    /// Every service's name in every locale, with one random misspelling in each word of five letters or more
    /// (a missing, extra, swapped or wrong letter), still finds the service among the first three.
    @Test(arguments: ServiceLocale.all) func misspelledNamesFindTheirService(_ locale: ServiceLocale) {
        var generator = SplitMix(seed: UInt64(locale.description.hashValue & 0xFFFF))
        for service in Self.catalogue.services {
            let words = service.text(locale).name.split(separator: " ").map { word -> String in
                var letters = Array(word)
                guard letters.count >= 5 else { return String(word) }
                let position = 1 + Int(generator.next() % UInt64(letters.count - 2))
                switch generator.next() % 4 {
                case 0: letters.remove(at: position)
                case 1: letters.insert(letters[position], at: position)
                case 2: letters.swapAt(position, position + 1)
                default: letters[position] = letters[position] == "a" ? "o" : "a"
                }
                return String(letters)
            }
            let query = words.joined(separator: " ")
            let hits = Self.search.search(query, language: locale.language, limit: 3).hits.map(\.id)
            #expect(hits.contains(service.id), "\(locale): \(query) → \(hits)")
        }
    }

    @Test func diacriticsScriptAndCaseDoNotMatter() {
        let variants = ["Izvod iz matične knjige rođenih", "izvod iz maticne knjige rodjenih", "IZVOD IZ MATICNE KNJIGE RODJENIH",
                        "Извод из матичне књиге рођених", "izvod iz maticne knjige rodenih"]
        let rankings = variants.map { Self.search.search($0, language: "sr", limit: 5).hits.map(\.id) }
        #expect(rankings.allSatisfy { $0.first == "birth-certificate" }, "\(rankings)")
        #expect(Set(rankings.dropLast().map { $0.joined(separator: ",") }).count == 1, "\(rankings)")
        // Albanian without its letters ë and ç.
        #expect(Self.search.search("çertifikatë lindjeje", language: "sq").hits.first?.id
            == Self.search.search("certifikate lindjeje", language: "sq").hits.first?.id)
    }

    @Test func thePagesLanguageRanksFirstAmongEquals() {
        // The same word in two languages' texts: the page's language decides nothing else but the order of equals.
        let hits = Self.search.search("pasoš", language: "cnr", limit: 3).hits
        #expect(hits.first?.id == "passport")
    }

    @Test func nonsenseFindsNothingAndCloseNonsenseSuggests() {
        let nothing = Self.search.search("qqqqxxxx zzzzwwww", language: "en")
        #expect(nothing.hits.isEmpty && nothing.suggestion == nil)
        #expect(Self.search.search("", language: "en").hits.isEmpty)
        #expect(Self.search.search("   ...!!! ", language: "en").hits.isEmpty)
        // Two letters wrong in one word: no match, but "did you mean" knows the word.
        let outcome = Self.search.search("pazzport", language: "en")
        #expect(outcome.hits.isEmpty)
        #expect(outcome.suggestion == "passport")
        #expect(Self.search.search(outcome.suggestion!, language: "en").hits.first?.id == "passport")
    }

    /// Hostile queries (huge, control characters, every script, digits of other alphabets) return quickly and never trap.
    @Test(arguments: 0..<100) func hostileQueriesNeverTrap(seed: Int) {
        var generator = SplitMix(seed: UInt64(seed) &* 7919)
        var query = ""
        for _ in 0..<Int(generator.next() % 3000) {
            let scalar = Unicode.Scalar(UInt32(generator.next() % 0x3000)) ?? "x"
            query.unicodeScalars.append(scalar)
        }
        let outcome = Self.search.search(query, language: ["en", "sq", "mk", "sr", "cnr", "xx"][seed % 6], limit: 10)
        #expect(outcome.hits.count <= 10)
    }
}
