import Crypto
import Fluent
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import LicnaPKI
import LicnaPortal
import SQLKit

/// Acting for another adult (issue 14, item 6): a citizen gives another adult a mandate for chosen services, for a
/// limited time, signed with their eID card, and can withdraw it at any time (the proxy can renounce it). While a
/// mandate holds, the proxy may request its services' documents for the grantor; every use is in the grantor's data
/// tracker, named as the proxy's.
///
/// The card signs, with its authentication key (STANDARDS.md, "The card-signed token"), a nonce that ends with the
/// SHA-256 of the mandate's ``Draft/statement``: the signature covers the statement, and the statement and the token
/// are kept as evidence. It is not a qualified electronic signature (that is the card's signature key, over a
/// document): the mandate is valid inside Licna, which checks the card's certificate, its status and the nonce.
struct MandateService: Sendable {
    let database: any Database
    let services: LicnaServices

    /// The services a mandate may cover: those Licna performs online.
    static let services: [String] = IssuedDocumentType.allCases.map(\.rawValue)
    /// The longest mandate, in days.
    static let longestDays = 366

    /// A mandate as the register holds it.
    struct Mandate: Sendable, Equatable {
        let id: String
        let grantorID: String
        let proxyID: String
        let services: [String]
        let validFrom: Date
        let validUntil: Date
        let revokedAt: Date?
        let revokedBy: String?

        func isActive(at now: Date) -> Bool { revokedAt == nil && validFrom <= now && now < validUntil }
    }

    /// A mandate to be signed: what the grantor chose, and the statement their card signs.
    struct Draft: Sendable, Equatable {
        let grantor: PersonModel.Snapshot
        let proxy: PersonModel.Snapshot
        let services: [String]
        let validFrom: Date
        let days: Int

        var validUntil: Date { validFrom.addingTimeInterval(Double(days) * 86_400) }

        /// The text the card's signature covers: the grantor, the proxy (identification numbers and names), the
        /// services and the period. Language-neutral, one field per line.
        var statement: String {
            let iso = ISO8601DateFormatter()
            return """
                Licna mandate 1
                grantor: \(grantor.identificationNumber) \(grantor.givenName) \(grantor.surname)
                proxy: \(proxy.identificationNumber) \(proxy.givenName) \(proxy.surname)
                services: \(services.joined(separator: ","))
                valid-from: \(iso.string(from: validFrom))
                valid-until: \(iso.string(from: validUntil))
                """
        }
    }

    private var clock: any WallClock { services.configuration.clock }
    private var sql: any SQLDatabase { database.sql }

    // MARK: Giving

    /// Checks what the signed-in account chose and builds the draft its card is to sign. `validFrom` is the moment
    /// the draft was first made (the signing page carries it back); nil makes it now.
    func draft(accountID: String, proxyNumber: String, proxySurname: String, services chosen: [String], days: Int, validFrom: Date? = nil) async throws -> Draft {
        guard let grantor = try await person(ofAccount: accountID) else { throw DocumentIssuanceError(.documentUnlinked, "the account has no registry person") }
        let today = clock.today
        guard grantor.isAdult(on: today) else { throw DocumentIssuanceError(.mandateNotAdult, "the grantor is not an adult") }
        let number = proxyNumber.trimmingCharacters(in: .whitespaces)
        guard (try? IdentificationNumber(number)) != nil,
              let proxy = try await PersonModel.query(on: database).filter(\.$identificationNumber == number).first(),
              Self.sameName(proxy.surname, proxySurname) || proxy.surnameCyrillic.map({ Self.sameName($0, proxySurname) }) == true else {
            // The same answer for an unknown number and a wrong surname: the form confirms nobody's number.
            throw DocumentIssuanceError(.mandateProxyUnknown, "no person with this identification number and surname")
        }
        guard proxy.identificationNumber != grantor.identificationNumber else { throw DocumentIssuanceError(.mandateSelf, "a mandate to oneself") }
        guard proxy.status == PersonStatus.living.rawValue, proxy.snapshot.isAdult(on: today) else {
            throw DocumentIssuanceError(.mandateNotAdult, "the proxy is not a living adult")
        }
        let services = Array(Set(chosen)).sorted()
        guard !services.isEmpty, services.allSatisfy(Self.services.contains) else {
            throw DocumentIssuanceError(.mandateServices, "choose at least one of: \(Self.services.joined(separator: ", "))")
        }
        guard (1...Self.longestDays).contains(days) else { throw DocumentIssuanceError(.mandateDuration, "1 to \(Self.longestDays) days") }
        let now = clock.now
        let from = validFrom ?? Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        // The signing page carries the start back; it must be the draft's, a few minutes old at most.
        guard from <= now.addingTimeInterval(1), now.timeIntervalSince(from) <= CardNonceStore.lifetime + 60 else {
            throw DocumentIssuanceError(.mandateExpired, "the draft is older than its nonce")
        }
        return Draft(grantor: grantor, proxy: proxy.snapshot, services: services, validFrom: from, days: days)
    }

    /// A nonce for the grantor's card to sign the draft with.
    func nonce(for draft: Draft, accountID: String) async throws -> CardNonce {
        try await services.cards(on: database).mandateNonce(binding: accountID, statement: draft.statement)
    }

    /// Registers the mandate once the grantor's card has signed the draft's statement: the token must be for the
    /// account's outstanding mandate nonce, made for this statement, by an activated card of the grantor in good
    /// standing. Returns the mandate's id.
    func grant(_ draft: Draft, token: CardSignedToken, accountID: String) async throws -> String {
        let holder = try await services.cards(on: database).signMandate(token, binding: accountID, statement: draft.statement)
        guard holder.personID.uuidString == draft.grantor.id else {
            throw DocumentIssuanceError(.mandateCard, "the card is not the grantor's")
        }
        let id = DocumentIssuanceService.newID()
        let evidence = try JSONEncoder().encode(token)
        let context = AuditContext(actor: "account:" + accountID, purpose: .mandate)
        typealias Mandates = MandatesTable
        try await database.retryingTransaction { db in
            try await db.sql.insert(into: Mandates.table)
                .columns(Mandates.id, Mandates.grantorID, Mandates.proxyID, Mandates.services, Mandates.validFrom, Mandates.validUntil, Mandates.statement,
                         Mandates.token, Mandates.cardNumber)
                .values(SQLBind(id), SQLBind(draft.grantor.id), SQLBind(draft.proxy.id), SQLBind(draft.services.joined(separator: ",")),
                        SQLBind(Int64(draft.validFrom.timeIntervalSince1970)), SQLBind(Int64(draft.validUntil.timeIntervalSince1970)), SQLBind(draft.statement),
                        SQLBind(evidence), SQLBind(holder.cardNumber))
                .run()
            try await services.audit.append([context.event(.mandateGrant, .mandate, id,
                                                           detail: "\(draft.services.joined(separator: ",")) until \(Int64(draft.validUntil.timeIntervalSince1970)) by card \(holder.cardNumber)")],
                                            on: db)
        }
        return id
    }

    // MARK: Reading and withdrawing

    /// The mandates the person gave and those given to them, newest first.
    func mandates(personID: String) async throws -> (given: [Mandate], received: [Mandate]) {
        typealias Mandates = MandatesTable
        let all = try await select().where { $0.where(SQLIdentifier(Mandates.grantorID.name), .equal, SQLBind(personID))
            .orWhere(SQLIdentifier(Mandates.proxyID.name), .equal, SQLBind(personID)) }
            .orderBy(Mandates.validFrom.name, .descending).limit(500).all().map(Self.mandate)
        return (all.filter { $0.grantorID == personID }, all.filter { $0.proxyID == personID })
    }

    /// The mandates in force that let `proxyID` act for someone in `service`.
    func active(proxyID: String, service: String) async throws -> [Mandate] {
        typealias Mandates = MandatesTable
        let now = clock.now
        return try await select().where(Mandates.proxyID, .equal, proxyID).where(SQLIdentifier(Mandates.revokedAt.name), .is, SQLLiteral.null)
            .where(Mandates.validUntil, .greaterThan, Int64(now.timeIntervalSince1970)).limit(500).all().map(Self.mandate)
            .filter { $0.isActive(at: now) && $0.services.contains(service) }
    }

    /// Withdraws (the grantor) or renounces (the proxy) a mandate; from now on it lets nobody act.
    func revoke(_ id: String, accountID: String) async throws {
        guard DocumentIssuanceService.isWellFormed(id), let person = try await services.documents(on: database).personID(ofAccount: accountID) else {
            throw DocumentIssuanceError(.mandateNotFound, "no such mandate")
        }
        typealias Mandates = MandatesTable
        let now = Int64(clock.now.timeIntervalSince1970)
        try await database.retryingTransaction { db in
            guard let row = try await db.sql.select().columns(Mandates.grantorID, Mandates.proxyID, Mandates.revokedAt).from(Mandates.table)
                .where(Mandates.id, .equal, id).first() else { throw DocumentIssuanceError(.mandateNotFound, "no such mandate") }
            let grantor = try row.decode(column: Mandates.grantorID.name, as: String.self)
            let proxy = try row.decode(column: Mandates.proxyID.name, as: String.self)
            guard person == grantor || person == proxy else { throw DocumentIssuanceError(.mandateNotFound, "no such mandate") }
            guard try row.decode(column: Mandates.revokedAt.name, as: Int64?.self) == nil else {
                throw DocumentIssuanceError(.mandateRevoked, "already withdrawn")
            }
            let by = person == grantor ? "grantor" : "proxy"
            try await db.sql.update(Mandates.table).set(Mandates.revokedAt, to: SQLBind(now)).set(Mandates.revokedBy, to: SQLBind(by))
                .where(Mandates.id, .equal, id).run()
            try await services.audit.append([AuditContext(actor: "account:" + accountID, purpose: .mandate).event(.mandateRevoke, .mandate, id, detail: "by the \(by)")],
                                            on: db)
        }
    }

    /// The name of the other party of each mandate (the proxy of one given, the grantor of one received), by person
    /// id, read in one query.
    func partyNames(given: [Mandate], received: [Mandate]) async throws -> [String: String] {
        let ids = Set(given.map(\.proxyID) + received.map(\.grantorID)).compactMap(UUID.init(uuidString:))
        guard !ids.isEmpty else { return [:] }
        var names: [String: String] = [:]
        for person in try await PersonModel.query(on: database).filter(\.$id ~~ ids).all() {
            names[try person.requireID().uuidString] = person.fullName
        }
        return names
    }

    private func select() -> SQLSelectBuilder {
        typealias Mandates = MandatesTable
        return sql.select().columns(Mandates.id, Mandates.grantorID, Mandates.proxyID, Mandates.services, Mandates.validFrom, Mandates.validUntil,
                                    Mandates.revokedAt, Mandates.revokedBy).from(Mandates.table)
    }

    private static func mandate(_ row: any SQLRow) throws -> Mandate {
        typealias Mandates = MandatesTable
        func date(_ column: SchemaColumn) throws -> Date { Date(timeIntervalSince1970: Double(try row.decode(column: column.name, as: Int64.self))) }
        return Mandate(id: try row.decode(column: Mandates.id.name, as: String.self), grantorID: try row.decode(column: Mandates.grantorID.name, as: String.self),
                       proxyID: try row.decode(column: Mandates.proxyID.name, as: String.self),
                       services: try row.decode(column: Mandates.services.name, as: String.self).split(separator: ",").map(String.init),
                       validFrom: try date(Mandates.validFrom), validUntil: try date(Mandates.validUntil),
                       revokedAt: try row.decode(column: Mandates.revokedAt.name, as: Int64?.self).map { Date(timeIntervalSince1970: Double($0)) },
                       revokedBy: try row.decode(column: Mandates.revokedBy.name, as: String?.self))
    }

    private func person(ofAccount accountID: String) async throws -> PersonModel.Snapshot? {
        guard let id = try await services.documents(on: database).personID(ofAccount: accountID), let uuid = UUID(uuidString: id) else { return nil }
        return try await PersonModel.find(uuid, on: database)?.snapshot
    }

    /// Whether a typed surname is the registry's, whatever the case, diacritics or script (`Đurović`, `Djurovic`,
    /// `durovic`, `ЂУРОВИЋ`). Loose on purpose: the identification number must match as well.
    static func sameName(_ registered: String, _ typed: String) -> Bool {
        func fold(_ text: String) -> String {
            Transliteration.serbianLatin(text).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                .replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "dj", with: "d").filter { $0.isLetter }
        }
        let typed = fold(typed)
        return !typed.isEmpty && typed == fold(registered)
    }
}

extension PersonModel {
    /// What a mandate names of a person, read once.
    struct Snapshot: Sendable, Equatable {
        let id: String
        let identificationNumber: String
        let givenName: String
        let surname: String
        let birthDate: String

        func isAdult(on today: CivilDate) -> Bool { CivilDate(iso8601: birthDate).map { $0.age(on: today) >= 18 } ?? false }
    }

    var snapshot: Snapshot {
        Snapshot(id: id?.uuidString ?? "", identificationNumber: identificationNumber, givenName: givenName, surname: surname, birthDate: birthDate)
    }
}

extension LicnaServices {
    /// Mandates on a database.
    func mandates(on database: any Database) -> MandateService {
        MandateService(database: database, services: self)
    }
}
