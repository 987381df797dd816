import ArgumentParser
import Foundation
import LicnaCommandLine
import LicnaPortal
import LicnaServer

/// `licna bench services`: catalogue search latency (issue 14: p99 under 5 ms per query at 1,000 services).
///
/// The catalogue is the shipped one grown to `--services` services: each added service is a shipped one under a new
/// id whose texts carry four made-up words in each locale, so the vocabulary (and the deletion index) grows as a
/// real catalogue's would. The queries are the independent query set (`tests/search/service-queries.json`); the
/// run also reports how many of them still find their service among the first three, so a fast wrong answer is
/// no figure.
struct BenchServices: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "services", abstract: "Measure catalogue search latency.")

    @Option(help: "Services in the catalogue.") var services = 1_000
    @Option(help: "The query set (JSON: [{q, lang, expect}]).") var queries = "tests/search/service-queries.json"
    @Option(help: "Passes over the query set.") var runs = 5

    struct Query: Decodable {
        let q: String
        let lang: String
        let expect: String
    }

    func run() throws {
        let shipped = try ServiceCatalogue.load(folder: ServiceCatalogueStore.bundledFolder)
        let set = try JSONDecoder().decode([Query].self, from: Data(contentsOf: URL(fileURLWithPath: queries)))
        var generator = SystemRandomNumberGenerator()
        let syllables = ["ka", "ro", "vi", "ne", "sta", "mi", "lo", "dra", "ze", "pu", "ti", "gor", "an", "be", "ko", "sh", "ë", "ç", "ja"]
        func word() -> String { (0..<Int.random(in: 3...5, using: &generator)).map { _ in syllables.randomElement(using: &generator)! }.joined() }
        var grown = shipped.services
        var index = 0
        while grown.count < services {
            let base = shipped.services[index % shipped.services.count]
            let extra = (0..<4).map { _ in word() }
            let texts = base.texts.mapValues { text in
                ServiceText(name: text.name + " " + extra[0], description: text.description + " " + extra[1],
                            keywords: text.keywords + [extra[2], extra[3]], bring: text.bring)
            }
            grown.append(Service(id: "\(base.id)-\(index)", institution: base.institution, lifeEvents: base.lifeEvents, level: base.level,
                                 fee: base.fee, channel: base.channel, onlineForm: base.onlineForm, texts: texts))
            index += 1
        }
        let catalogue = ServiceCatalogue(services: grown, institutions: shipped.institutions)
        let buildStart = ContinuousClock.now
        let search = ServiceSearch(catalogue: catalogue)
        let build = Bench.seconds(buildStart)
        var latencies: [Double] = []
        var found = 0
        for run in 0..<runs {
            for query in set {
                let start = ContinuousClock.now
                let hits = search.search(query.q, language: query.lang, limit: 3).hits
                latencies.append(Bench.seconds(start) * 1000)
                // A grown service is a copy of a shipped one: finding the copy finds the service.
                if run == 0, hits.contains(where: { $0.id == query.expect || $0.id.hasPrefix(query.expect + "-") && Int($0.id.dropFirst(query.expect.count + 1)) != nil }) {
                    found += 1
                }
            }
        }
        latencies.sort()
        Terminal.print("catalogue: \(catalogue.services.count) services, index built in \(String(format: "%.0f", build * 1000)) ms")
        Terminal.print("queries: \(set.count) × \(runs) runs; found among the first three: \(found) of \(set.count)")
        Terminal.print(String(format: "search latency: median %.3f ms, p99 %.3f ms, max %.3f ms", Bench.percentile(latencies, 0.5),
                              Bench.percentile(latencies, 0.99), latencies.last ?? 0))
    }
}
