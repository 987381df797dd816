import ArgumentParser
import Crypto
import Foundation
import LicnaCommandLine
import LicnaCore
import LicnaPKI
import LicnaServer
import X509

/// Certificates issued per second and timestamps per second on an installation that has a CA hierarchy
/// (`licna ca init`); `scripts/benchmark-trust` puts them beside `openssl speed ecdsap256`.
struct BenchTrust: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trust", abstract: "Issuance and timestamp rates.")
    @OptionGroup var storage: StorageOptions
    @Option var certificates = 500
    @Option var timestamps = 2_000
    @Option var concurrency = 8

    func run() async throws {
        let (certificates, timestamps, concurrency) = (self.certificates, self.timestamps, self.concurrency)
        let lines = try await withInstallation(storage) { app in
            let trust = app.licna.trust
            try await trust.reload(on: app.db)
            let authority = trust.authority(on: app.db)
            var requests: [CertificateRequest] = []
            for _ in 0..<certificates {
                let digits = { var generator = IdentificationNumberGenerator(); return generator.next().digits }()
                let subject = try DistinguishedName.citizen(country: "ME", givenName: "Bench", surname: "Mark", identificationNumber: digits)
                let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
                let csr = try CertificateSigningRequest(version: .v1, subject: subject, privateKey: key,
                                                        attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256)
                requests.append(CertificateRequest(profile: .authentication, csr: csr))
            }
            let context = AuditContext(actor: "bench", purpose: .benchmark)
            let prepared = requests
            var start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<concurrency {
                    group.addTask {
                        var index = lane
                        while index < prepared.count {
                            _ = try await authority.issue(prepared[index], context: context)
                            index += concurrency
                        }
                    }
                }
                try await group.waitForAll()
            }
            let issueRate = Double(certificates) / Bench.seconds(start)
            let query = try TimeStampRequest(messageImprint: MessageImprint(hashing: Array("x".utf8), with: .sha256),
                                             certificateRequested: true).derBytes()
            start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<concurrency {
                    group.addTask {
                        var index = lane
                        while index < timestamps {
                            let reply = await trust.timestamp(query, on: app.db)
                            guard try TimeStampResponse(derEncoded: reply).status.status == .granted else { throw ExitCode(3) }
                            index += concurrency
                        }
                    }
                }
                try await group.waitForAll()
            }
            let stampRate = Double(timestamps) / Bench.seconds(start)
            return ["certificates issued: \(Int(issueRate))/s (\(certificates) CSRs, \(concurrency) concurrent; each: CSR check, sign, insert, audit entry)",
                    "timestamps: \(Int(stampRate))/s (\(timestamps) requests, \(concurrency) concurrent; each: serial from the database, CMS SignedData)"]
        }
        for line in lines { Terminal.print(line) }
    }
}
