import ArgumentParser
import _CryptoExtras
import Crypto
import Foundation
import LicnaBasics
import LicnaCommandLine
import LicnaCore
import LicnaIdentityProvider
import LicnaServer
import NIOCore
import Vapor

/// Issue 13's sign-on figures, in process against an installation (no HTTP; `scripts/benchmark-signon` runs it):
/// - the raw scrypt rate at the installation's cost, `--parallel` threads hashing at once, beside password checks
///   through the sign-on service (the account read, the bounded hashing queue, the comparison) at the same cost and
///   parallelism, in the same run: their ratio is what the service adds to the hash;
/// - refresh-token grants through the provider (client_secret_basic, the rotation's redemption, new access and
///   refresh tokens stored, an ES256 ID token signed), `--parallel` workers each on an event loop of its own;
/// - userinfo answers (the access token's lookup and the account's claims).
/// Medians of `--runs` runs.
struct BenchSignOn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "signon", abstract: "Password checks beside raw scrypt, refresh grants and userinfo per second.")
    @OptionGroup var storage: StorageOptions
    @Option(help: "Password checks (and raw hashes) per run.") var passwords = 40
    @Option(help: "Refresh grants per run.") var grants = 2_000
    @Option(help: "userinfo answers per run.") var userinfo = 5_000
    @Option(help: "Workers at once.") var parallel = 2
    @Option(help: "Runs; the figures are medians.") var runs = 3

    func validate() throws {
        guard passwords >= 2, grants >= 10, userinfo >= 10, (1...64).contains(parallel), (1...20).contains(runs) else {
            throw ValidationError("--passwords ≥ 2, --grants and --userinfo ≥ 10, --parallel 1…64, --runs 1…20")
        }
    }

    func run() async throws {
        let (passwords, grants, userinfo, parallel, runs) = (self.passwords, self.grants, self.userinfo, self.parallel, self.runs)
        try await withInstallation(storage) { app in
            let signOn = app.licna.signOn(on: app.db)
            let cost = app.licna.configuration.passwordCost
            let context = AuditContext(actor: commandLineActor, purpose: .benchmark)
            let email = "bench-\(UUID().uuidString.prefix(8).lowercased())@example.me"
            let password = "benchmark password \(UUID().uuidString)"
            let accountID = try await signOn.addAccount(email: email, password: password, emailVerified: true, context: context)
            let client = try await signOn.registerClient(name: "Benchmark", redirectURIs: ["https://bench.example.me/cb"], kind: .confidential,
                                                         context: context)
            guard let secret = client.secret else { throw ExitCode(3) }
            let basic = "Basic " + Data("\(client.clientID):\(secret)".utf8).base64EncodedString()
            let provider = try await signOn.provider()
            var raw: [Double] = [], checks: [Double] = [], refresh: [Double] = [], info: [Double] = []
            for _ in 0..<runs {
                // Raw scrypt: `parallel` threads, the same parameters, no service around it.
                let salt = Data(repeating: 7, count: 16)
                let rawStart = ContinuousClock.now
                DispatchQueue.concurrentPerform(iterations: parallel) { worker in
                    for _ in stride(from: worker, to: passwords, by: parallel) {
                        _ = try? KDF.Scrypt.deriveKey(from: Data(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << cost.logN,
                                                      blockSize: cost.r, parallelism: cost.p, maxMemory: cost.memoryBytes + (1 << 20))
                    }
                }
                raw.append(Double(passwords) / Self.seconds(ContinuousClock.now - rawStart))
                // Password checks through the service, as many at once.
                let checkStart = ContinuousClock.now
                try await Self.workers(app, parallel) { worker in
                    for _ in stride(from: worker, to: passwords, by: parallel) {
                        guard try await signOn.verifyPassword(email: email, password: password) == accountID else { throw ExitCode(3) }
                    }
                }
                checks.append(Double(passwords) / Self.seconds(ContinuousClock.now - checkStart))
                // Refresh grants: one live refresh token per grant, minted before the clock (as sign-ins would leave them).
                let storage = signOn.benchmarkStorage
                var tokens: [String] = []
                let now = app.licna.configuration.clock.now
                for _ in 0..<grants {
                    let token = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64URLEncoded
                    let grant = Grant(family: UUID().uuidString, clientID: client.clientID, accountID: accountID, scopes: ["openid", "email"],
                                      claims: ["email", "email_verified"], level: .low, methods: ["pwd"], authenticatedAt: now, nonce: nil)
                    try await storage.saveRefreshToken(TokenRecord(grant: grant, expiresAt: now.addingTimeInterval(3_600)),
                                                       hash: Data(SHA256.hash(data: Data(token.utf8))).base64URLEncoded)
                    tokens.append(token)
                }
                let minted = tokens
                let refreshStart = ContinuousClock.now
                let accessTokens = try await Self.workers(app, parallel) { worker in
                    var last = ""
                    for index in stride(from: worker, to: minted.count, by: parallel) {
                        let answer = try await provider.token(TokenRequest(form: ["grant_type": "refresh_token", "refresh_token": minted[index]],
                                                                           authorization: basic))
                        last = answer.accessToken
                    }
                    return last
                }
                refresh.append(Double(grants) / Self.seconds(ContinuousClock.now - refreshStart))
                let bearer = "Bearer " + (accessTokens.first ?? "")
                let infoStart = ContinuousClock.now
                _ = try await Self.workers(app, parallel) { worker in
                    for _ in stride(from: worker, to: userinfo, by: parallel) {
                        guard try await provider.userinfo(authorization: bearer)["email"] as? String == email else { throw ExitCode(3) }
                    }
                    return ""
                }
                info.append(Double(userinfo) / Self.seconds(ContinuousClock.now - infoStart))
            }
            func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
            func list(_ values: [Double]) -> String { values.map { String(format: "%.1f", $0) }.joined(separator: ", ") }
            let ratio = median(checks) / median(raw)
            Terminal.print(String(format: "raw scrypt (N=2^%d, r=%d, p=%d, %d threads): median %.1f hashes/s (runs %@)", cost.logN, cost.r, cost.p,
                                  parallel, median(raw), list(raw)))
            Terminal.print(String(format: "password checks through the sign-on service (same cost, %d at once): median %.1f/s (runs %@); ratio to raw scrypt %.2f (goal at least 0.85: %@)",
                                  parallel, median(checks), list(checks), ratio, ratio >= 0.85 ? "met" : "NOT met"))
            Terminal.print(String(format: "refresh-token grants through the provider (client_secret_basic, rotation, ES256 ID token, SQLite, %d workers): median %.0f/s (runs %@) (goal at least 1,000: %@)",
                                  parallel, median(refresh), list(refresh), median(refresh) >= 1_000 ? "met" : "NOT met"))
            Terminal.print(String(format: "userinfo answers through the provider (%d workers): median %.0f/s (runs %@)", parallel, median(info), list(info)))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Runs `body` for workers 0..<count, each on an event loop of its own; returns their results.
    @discardableResult
    static func workers<T: Sendable>(_ app: Application, _ count: Int, _ body: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: T.self) { group in
            for worker in 0..<count {
                let loop = app.eventLoopGroup.next()
                group.addTask { try await loop.flatSubmit { loop.makeFutureWithTask { try await body(worker) } }.get() }
            }
            return try await group.reduce(into: [T]()) { $0.append($1) }
        }
    }

    static func workers(_ app: Application, _ count: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let _: [Bool] = try await workers(app, count) { worker in
            try await body(worker)
            return true
        }
    }
}
