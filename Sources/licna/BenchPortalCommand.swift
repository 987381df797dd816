import ArgumentParser
import Foundation
import LicnaCommandLine
import LicnaServer
import Vapor

/// `licna bench portal`: documents produced, sealed at PAdES B-LT and registered per second (in process, through
/// the issuance service), on an installation with the demo hierarchy (made if missing). `scripts/benchmark-portal`
/// runs it, then measures the verification page over HTTP against `licna serve`.
struct BenchPortal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "portal", abstract: "Documents on request per second (produce, seal B-LT, register).")
    @OptionGroup var storage: StorageOptions
    @Option(help: "Documents per run.") var documents = 40
    @Option(help: "Workers at once.") var parallel = 2
    @Option(help: "Runs; the figure is their median.") var runs = 3
    @Option(help: "The installation's public URL (its certificates' OCSP and CRL addresses).") var publicURL = "http://127.0.0.1:8080"
    @Option(help: "Write one issued document's id here (for the verification benchmark).") var idFile: String?

    func validate() throws {
        guard documents >= 2, (1...64).contains(parallel), (1...20).contains(runs) else { throw ValidationError("--documents ≥ 2, --parallel 1…64, --runs 1…20") }
    }

    func run() async throws {
        let (documents, parallel, runs, publicURL, idFile) = (self.documents, self.parallel, self.runs, self.publicURL, self.idFile)
        try await withInstallation(storage) { app in
            _ = try await DemoHierarchy.ensure(app, publicURL: publicURL)
            let (account, person) = try await PortalBenchmark.prepare(app)
            // A first document outside the clock: the e-seal's key and certificate are made at the first use.
            let first = try await PortalBenchmark.issue(app, account: account, person: person, count: 1, parallel: 1)
            guard try await PortalBenchmark.isGenuine(app, id: first[0]) else { throw ExitCode(3) }
            if let idFile { try Data(first[0].utf8).write(to: URL(fileURLWithPath: idFile)) }
            var rates: [Double] = []
            for _ in 0..<runs {
                let start = ContinuousClock.now
                let ids = try await PortalBenchmark.issue(app, account: account, person: person, count: documents, parallel: parallel)
                let elapsed = Bench.seconds(start)
                guard Set(ids).count == documents else { throw ExitCode(3) }
                rates.append(Double(documents) / elapsed)
            }
            rates.sort()
            Terminal.print(String(format: "document requests (produce, seal B-LT, register): median %.1f/s over %d runs of %d with %d workers (runs: %@)",
                                  rates[rates.count / 2], runs, documents, parallel, rates.map { String(format: "%.1f", $0) }.joined(separator: ", ")))
        }
    }
}
