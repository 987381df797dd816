import ArgumentParser
import Foundation
import LicnaBasics
import LicnaCommandLine
import LicnaCore
import LicnaServer

/// In-process measurements for BENCHMARKS.md; `scripts/benchmark` runs these beside whole-process timings.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure generation, allocation and lookup speed (prints figures; for BENCHMARKS.md).",
        shouldDisplay: false,
        subcommands: [Generate.self, Lookups.self, Allocate.self, BenchTrust.self, BenchCard.self, BenchDocuments.self, BenchPersonalize.self, BenchSignOn.self, BenchServices.self, BenchPortal.self])

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    static func seconds(_ start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    struct Generate: ParsableCommand {
        @Option var count = 1_000_000
        @Option var runs = 5

        func run() {
            var rates: [Double] = []
            for _ in 0..<runs {
                let start = ContinuousClock.now
                var generator = IdentificationNumberGenerator()
                let numbers = generator.generate(count: count)
                precondition(numbers.count == count)
                rates.append(Double(count) / Bench.seconds(start))
            }
            rates.sort()
            Terminal.print("identification-number generation: median \(Int(rates[rates.count / 2])) numbers/s over \(runs) runs of \(count) (random draw, filters, Verhoeff, uniqueness)")
        }
    }

    struct Lookups: AsyncParsableCommand {
        @OptionGroup var storage: StorageOptions
        @Option(help: "File of `jmbg,identification_number` lines to look up.") var sample: String
        @Option var limit = 2_000

        func run() async throws {
            let lines = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n").prefix(limit)
            let today = SystemWallClock().today
            let pairs = try lines.map { line -> (JMBG, IdentificationNumber) in
                let parts = line.split(separator: ",")
                return (try JMBG(parts[0], today: today), try IdentificationNumber(parts[1]))
            }
            var report = try await withInstallation(storage) { app in
                let measurer = app.licna.lookupBenchmark(on: app.db)
                return try await measurer.measure(pairs)
            }
            if storage.database == nil {  // the embedded SQLite database: the disk it is on
                report.append(("  write 4 KiB and fsync on the data folder's disk",
                               try RegistryBenchmark.fsyncTimes(in: storage.data ?? "./licna-data", samples: pairs.count)))
            }
            for (name, timings) in report {
                let sorted = timings.sorted()
                Terminal.print(String(format: "%@: p50 %.3f ms, p99 %.3f ms, max %.3f ms over %d lookups", name,
                                      Bench.percentile(sorted, 0.5) * 1000, Bench.percentile(sorted, 0.99) * 1000, (sorted.last ?? 0) * 1000, sorted.count))
            }
        }
    }

    struct Allocate: AsyncParsableCommand {
        @OptionGroup var storage: StorageOptions
        @Option var samples = 1_000

        func run() async throws {
            let samples = self.samples
            let report = try await withInstallation(storage) { app in
                try await app.licna.lookupBenchmark(on: app.db).measureRegistration(samples: samples)
            }
            for (name, timings) in report {
                let sorted = timings.sorted()
                Terminal.print(String(format: "%@: p50 %.3f ms, p99 %.3f ms over %d", name,
                                      Bench.percentile(sorted, 0.5) * 1000, Bench.percentile(sorted, 0.99) * 1000, sorted.count))
            }
        }
    }
}
