import ArgumentParser
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCard
import LicnaCardClient
import LicnaCardCommands
import LicnaCommandLine
import LicnaCore
import LicnaDocuments
import LicnaServer
import LicnaTranslations

// `licna cards apply|approve|personalize|deliver|suspend|revoke|replace|list|show|stats|contract`: the officer's
// side of a card's life (docs/card.md, "Life of a card"). Each works on `--data DIR` or `--database URL`; `--json`
// prints the result for scripts.

/// Prints a card for people (one line) or for scripts (JSON).
func printCard(_ view: CardView, json: Bool) throws {
    if json {
        Terminal.print(try jsonText(view))
    } else {
        Terminal.print([view.id, view.state, view.cardNumber ?? "-", view.municipality].joined(separator: " "))
    }
}

func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Runs a card-issuance operation on the installation with the officer's context (`--data`, `--database`), or, with
/// `--server`, `remote` through the officer API.
func withCards<T: Sendable>(_ storage: StorageOptions, purpose: AuditPurpose = .cardIssuance,
                            remote: (@Sendable (LicnaServerClient) async throws -> T)? = nil,
                            _ body: @escaping @Sendable (CardIssuanceService, AuditContext) async throws -> T) async throws -> T {
    if let client = try officerClient(storage) {
        guard let remote else { throw explained(Exit.usage, "cli.server-not-supported") }
        return try await remote(client)
    }
    return try await withInstallation(storage) { app in
        try await caOperation { try await body(app.licna.cards(on: app.db), AuditContext(actor: commandLineActor, purpose: purpose)) }
    }
}

/// The officer API of `--server`: https, or http on this machine; the officer's personal token from
/// LICNA_OFFICER_TOKEN travels in each request (the server's audit trail names the officer). Nil without --server.
func officerClient(_ storage: StorageOptions) throws -> LicnaServerClient? {
    guard let server = storage.server else { return nil }
    guard let url = URL(string: server), let host = url.host,
          url.scheme == "https" || (url.scheme == "http" && ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)) else {
        throw explained(Exit.usage, "cli.card.server-url", ["value": String(server.prefix(200))])
    }
    guard let token = ProcessInfo.processInfo.environment["LICNA_OFFICER_TOKEN"], !token.isEmpty else {
        throw explained(Exit.usage, "cli.card.officer-token")
    }
    return LicnaServerClient(base: url, bearerToken: token)
}

/// An application id or card number as a path segment: letters, digits and dashes only.
func pathSegment(_ text: String) throws -> String {
    guard !text.isEmpty, text.count <= 64, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
        throw explained(Exit.usage, "cli.cards.identifier", ["value": String(text.prefix(40))])
    }
    return text
}

/// An empty JSON body.
struct NoBody: Codable, Sendable {}

extension Cards {
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a card application for a registered person, with the contract the citizen accepted.",
            discussion: "Prints the application's id (with --json, the application). The contract's version, the time, you and the SHA-256 of its text in the citizen's language are recorded; `licna cards contract` prints it for signing.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "The person's 9-digit identification number.") var person: String
        @Option(help: "The citizen's photo (JPEG, at most 2 MiB), for the card's DG2.") var photo: String?
        @Option(help: "Fingerprint images (one file), kept sealed and deleted at delivery.") var fingerprints: String?
        @Option(help: "The citizen's language (cnr, sq, mk, sr, en) for the contract and the envelope.") var language = "cnr"
        @Flag(help: "The citizen accepted the contract in that language (required).") var acceptContract = false
        @Option(help: "The identity document the citizen presented (a type of `licna cards policy`, e.g. licna-id-card); refused when its acceptance ended.")
        var identityDocument: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard Translations.languages.contains(language) else { throw explained(Exit.usage, "cli.cards.language", ["value": String(language.prefix(10))]) }
            let photo = try self.photo.map { try Self.read($0) }
            let fingerprints = try self.fingerprints.map { try Self.read($0) }
            let (person, language, accepted, document) = (person, language, acceptContract, identityDocument)
            let request = CardApplicationRequest(identificationNumber: person, language: language, acceptContract: accepted,
                                                 photo: photo.map { Data($0).base64EncodedString() },
                                                 fingerprints: fingerprints.map { Data($0).base64EncodedString() }, identityDocument: document)
            let view = try await withCards(storage, remote: { try await $0.post("api/cards/applications", request) }) { cards, context in
                try await cards.apply(identificationNumber: person, photo: photo, fingerprints: fingerprints, language: language,
                                      contractAccepted: accepted, identityDocument: document, context: context)
            }
            if json { Terminal.print(try jsonText(view)) } else {
                Terminal.print(view.id)
                Terminal.say("cli.cards.applied", ["id": view.id])
            }
        }

        static func read(_ path: String) throws -> [UInt8] {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let size = attributes[.size] as? Int,
                  size <= 8 << 20, let data = FileManager.default.contents(atPath: path) else {
                throw explained(Exit.failed, "cli.import.unreadable", ["file": path])
            }
            return Array(data)
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a submitted card application.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The application's id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let id = try pathSegment(id)
            try printCard(try await withCards(storage, remote: { try await $0.post("api/cards/applications/\(id)/approve", NoBody()) }) { cards, context in
                try await cards.approve(id: id, context: context)
            }, json: json)
        }
    }

    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that a personalized card was handed to its holder (it now waits for activation).")
        @OptionGroup var storage: StorageOptions
        @Option(help: "The card number.") var cardNumber: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let number = try pathSegment(cardNumber)
            try printCard(try await withCards(storage, remote: { try await $0.post("api/cards/\(number)/deliver", NoBody()) }) { cards, context in
                try await cards.deliver(cardNumber: number, context: context)
            }, json: json)
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a card (its certificates go on hold); the holder lifts it with the card and PIN.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "The card number.") var cardNumber: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let number = try pathSegment(cardNumber)
            try printCard(try await withCards(storage, purpose: .cardSuspension, remote: { try await $0.post("api/cards/\(number)/suspend", NoBody()) }) { cards, context in
                try await cards.suspend(cardNumber: number, context: context)
            }, json: json)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a card for good (its certificates are revoked).")
        @OptionGroup var storage: StorageOptions
        @Option(help: "The card number.") var cardNumber: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let number = try pathSegment(cardNumber)
            try printCard(try await withCards(storage, remote: { try await $0.post("api/cards/\(number)/revoke", NoBody()) }) { cards, context in
                try await cards.revoke(cardNumber: number, context: context)
            }, json: json)
        }
    }

    struct Replace: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a card: revoke its certificates and open a new application for the holder, pre-filled.",
            discussion: "Reasons: lost, stolen (certificates revoked as keyCompromise), damaged, lost-envelope, blocked (superseded). Prints the new application.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "The card number.") var cardNumber: String
        @Option(help: "lost, stolen, damaged, lost-envelope or blocked.") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard let reason = CardReplacementReason(rawValue: reason) else {
                throw explained(Exit.usage, "cli.cards.reason", ["value": String(self.reason.prefix(30))])
            }
            let number = try pathSegment(cardNumber)
            let body = CardReplacementRequest(reason: reason.rawValue)
            try printCard(try await withCards(storage, remote: { try await $0.post("api/cards/\(number)/replace", body) }) { cards, context in
                try await cards.replace(cardNumber: number, reason: reason, context: context)
            }, json: json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List card applications and cards, newest first.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Only this state (submitted, approved, personalized, delivered, activated, suspended, blocked, revoked, expired, replaced).")
        var state: String?
        @Option(help: "At most this many.") var limit = 100
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            var wanted: CardState?
            if let state {
                guard let parsed = CardState(rawValue: state) else { throw explained(Exit.usage, "cli.cards.state", ["value": String(state.prefix(30))]) }
                wanted = parsed
            }
            guard (1...100_000).contains(limit) else { throw explained(Exit.usage, "cli.cards.limit") }
            let (filter, limit) = (wanted, limit)
            let query = [URLQueryItem(name: "limit", value: String(limit))] + (filter.map { [URLQueryItem(name: "state", value: $0.rawValue)] } ?? [])
            let views = try await withCards(storage, remote: { try await $0.get("api/cards", query: query, as: [CardView].self) }) { cards, _ in
                try await cards.list(state: filter, limit: limit)
            }
            if json { Terminal.print(try jsonText(views)) } else {
                for view in views { try printCard(view, json: false) }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one application or card, by its id or card number.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The application's id or the card number.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let id = try pathSegment(id)
            try printCard(try await withCards(storage, remote: { try await $0.get("api/cards/\(id)") }) { cards, _ in try await cards.find(id) }, json: json)
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Card statistics: issued, delivered, activated, awaiting activation, blocked, suspended, replaced by reason.",
            discussion: "With --awaiting-days N, prints instead a CSV of cards delivered at least N days ago and not activated (card number, municipality, delivery day; no personal numbers).")
        @OptionGroup var storage: StorageOptions
        @Option(help: "CSV of cards awaiting activation for at least this many days.") var awaitingDays: Int?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            if let days = awaitingDays {
                guard (0...36_500).contains(days) else { throw explained(Exit.usage, "cli.cards.days") }
                let csv = try await withCards(storage, remote: {
                    String(decoding: try await $0.getData("api/stats/cards/awaiting-activation.csv", query: [URLQueryItem(name: "days", value: String(days))]),
                           as: UTF8.self)
                }) { cards, _ in try await cards.awaitingActivationCSV(olderThanDays: days) }
                FileHandle.standardOutput.write(Data(csv.utf8))
                return
            }
            let statistics = try await withCards(storage, remote: { try await $0.get("api/stats/cards", as: CardStatistics.self) }) { cards, _ in
                try await cards.statistics()
            }
            if json {
                Terminal.print(try jsonText(statistics))
                return
            }
            let rows: [(String, Int)] = [
                ("applications", statistics.applications), ("issued", statistics.issued), ("delivered", statistics.delivered),
                ("activated", statistics.activated), ("awaiting-activation", statistics.awaitingActivation), ("blocked", statistics.blocked),
                ("suspended", statistics.suspended), ("revoked", statistics.revoked),
                ("activation-window-expired", statistics.activationWindowExpired),
            ]
            for (key, value) in rows { Terminal.print(Terminal.text("cli.cards.stat." + key, ["count": String(value)])) }
            for (reason, count) in statistics.replacedByReason.sorted(by: { $0.key < $1.key }) {
                Terminal.print(Terminal.text("cli.cards.stat.replaced", ["reason": reason, "count": String(count)]))
            }
        }
    }

    struct Contract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the card contract in a language as PDF, for the citizen to read and sign.")
        @Option(help: "cnr, sq, mk, sr or en.") var language = "cnr"
        @Option(help: "The PDF to write (never overwritten), or - for standard output.") var out: String

        func run() async throws {
            guard Translations.languages.contains(language) else { throw explained(Exit.usage, "cli.cards.language", ["value": String(language.prefix(10))]) }
            let pdf: Data
            do { pdf = try CardContract(language: language).pdf() } catch let error as any LicnaError { throw error.explained() }
            try writeNewFile(pdf, to: out, secret: false)
            if out != "-" { Terminal.say("cli.cards.contract-written", ["path": out, "sha256": CardContract(language: language).sha256]) }
        }
    }
}

/// Writes bytes to a new file (refusing to overwrite; mode 0600 when secret) or, for "-", to standard output.
func writeNewFile(_ data: Data, to path: String, secret: Bool) throws {
    if path == "-" {
        FileHandle.standardOutput.write(data)
        return
    }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, secret ? 0o600 : 0o644)
    guard descriptor >= 0 else { throw explained(Exit.failed, "cli.write-failed", ["path": path]) }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    do { try handle.write(contentsOf: data) } catch { throw explained(Exit.failed, "cli.write-failed", ["path": path]) }
}
