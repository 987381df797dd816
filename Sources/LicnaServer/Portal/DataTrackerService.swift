import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import SQLKit

/// "Who looked at my data" (issue 14, item 4): the entries of the audit trail about a person, newest first: reads
/// and changes of their registry record, JMBG reveals, documents issued (by them, a parent, a proxy or an officer
/// assisting them), card applications, mandates given and received, and sign-ins that gave a relying party their data. A person may ask "why?" about an entry; the auditor role sees the question with the
/// officer's identity and answers it. Officers who read more records in an hour than the configured threshold are
/// flagged to the auditor (mass lookups).
struct DataTrackerService: Sendable {
    let database: any Database
    let services: LicnaServices

    /// One entry as the person sees it.
    struct Entry: Sendable {
        let auditID: Int64
        let time: Date
        let actor: String
        let action: String
        let objectType: String
        let objectID: String
        let purpose: String
        let detail: String?
        var question: Question?
    }

    struct Question: Sendable {
        let id: String
        let auditID: Int64
        let personID: String
        let text: String
        let askedAt: Date
        let answer: String?
        let answeredBy: String?
    }

    /// The most entries shown (and exported).
    static let limit = 2_000

    private var sql: any SQLDatabase { database.sql }

    /// The person's entries, newest first; `accountIDs` are the person's accounts (their sign-ins are shown).
    func entries(personID: String, accountIDs: [String]) async throws -> [Entry] {
        typealias Audit = AuditEntriesTable
        let applications = try await sql.select().column(CardApplicationsTable.id).from(CardApplicationsTable.table)
            .where(CardApplicationsTable.personID, .equal, personID).all()
            .compactMap { try? $0.decode(column: CardApplicationsTable.id.name, as: String.self) }
        let documents = try await sql.select().column(IssuedDocumentsTable.id).from(IssuedDocumentsTable.table)
            .where(IssuedDocumentsTable.personID, .equal, personID).all()
            .compactMap { try? $0.decode(column: IssuedDocumentsTable.id.name, as: String.self) }
        let mandates = try await sql.select().column(MandatesTable.id).from(MandatesTable.table)
            .where { $0.where(SQLIdentifier(MandatesTable.grantorID.name), .equal, SQLBind(personID))
                .orWhere(SQLIdentifier(MandatesTable.proxyID.name), .equal, SQLBind(personID)) }.all()
            .compactMap { try? $0.decode(column: MandatesTable.id.name, as: String.self) }
        var rows: [any SQLRow] = []
        func read(_ type: AuditObjectType, _ ids: [String], action: AuditAction? = nil) async throws {
            guard !ids.isEmpty else { return }
            var query = sql.select().columns(Audit.id, Audit.timeMilliseconds, Audit.actor, Audit.purpose, Audit.action, Audit.objectType, Audit.objectID, Audit.detail)
                .from(Audit.table).where(Audit.objectType, .equal, type.rawValue).where(Audit.objectID, .in, ids)
            if let action { query = query.where(Audit.action, .equal, action.rawValue) }
            rows += try await query.orderBy(Audit.id.name, .descending).limit(Self.limit).all()
        }
        try await read(.person, [personID])
        try await read(.cardApplication, applications)
        try await read(.document, documents)
        try await read(.mandate, mandates)
        try await read(.account, accountIDs, action: .signIn)
        var entries = try rows.map(Self.entry)
        entries.sort { $0.auditID > $1.auditID }
        entries = Array(entries.prefix(Self.limit))
        let questions = try await self.questions(personID: personID)
        let byEntry = Dictionary(questions.map { ($0.auditID, $0) }, uniquingKeysWith: { first, _ in first })
        for index in entries.indices { entries[index].question = byEntry[entries[index].auditID] }
        return entries
    }

    /// An entry from a row with the audit trail's id, time, actor, purpose, action, object type and detail.
    private static func entry(_ row: any SQLRow) throws -> Entry {
        typealias Audit = AuditEntriesTable
        return Entry(auditID: try row.decode(column: Audit.id.name, as: Int64.self),
                     time: Date(timeIntervalSince1970: Double(try row.decode(column: Audit.timeMilliseconds.name, as: Int64.self)) / 1000),
                     actor: try row.decode(column: Audit.actor.name, as: String.self), action: try row.decode(column: Audit.action.name, as: String.self),
                     objectType: try row.decode(column: Audit.objectType.name, as: String.self),
                     objectID: try row.decode(column: Audit.objectID.name, as: String.self),
                     purpose: try row.decode(column: Audit.purpose.name, as: String.self), detail: try row.decode(column: Audit.detail.name, as: String?.self))
    }

    /// The roles an officer's account was given over time, oldest first, from the trail's `account.roles` entries:
    /// what the tracker names an officer by is the roles they held when they acted, not those they hold now.
    func roleHistory(accountID: String) async throws -> [(auditID: Int64, roles: [OfficerRole])] {
        typealias Audit = AuditEntriesTable
        return try await sql.select().columns(Audit.id, Audit.detail).from(Audit.table)
            .where(Audit.objectType, .equal, AuditObjectType.account.rawValue).where(Audit.objectID, .equal, accountID)
            .where(Audit.action, .equal, AuditAction.accountRoles.rawValue).orderBy(Audit.id.name, .ascending).limit(1_000).all()
            .map { row in
                let detail = try row.decode(column: Audit.detail.name, as: String?.self) ?? ""
                let text = detail.components(separatedBy: "roles: ").last ?? ""
                let roles = OfficerRole.parse(text).map { OfficerRole.allCases.filter($0.contains) } ?? []
                return (try row.decode(column: Audit.id.name, as: Int64.self), roles)
            }
    }

    // MARK: Questions

    /// The longest question or answer kept.
    static let maximumText = 1_000

    /// Records the person's "why?" about one of their entries (one question per entry); returns its id.
    func ask(auditID: Int64, personID: String, accountID: String, text: String) async throws -> String {
        let text = String(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(Self.maximumText))
        guard !text.isEmpty else { throw DocumentIssuanceError(.trackerTextMissing, "an empty question") }
        let own = try await entries(personID: personID, accountIDs: [accountID])
        guard let entry = own.first(where: { $0.auditID == auditID }) else { throw DocumentIssuanceError(.trackerEntryUnknown, "not the person's entry") }
        if let existing = entry.question { return existing.id }
        let id = UUID().uuidString.lowercased()
        typealias Questions = DataQuestionsTable
        try await sql.insert(into: Questions.table).columns(Questions.id, Questions.auditEntryID, Questions.personID, Questions.accountID, Questions.question, Questions.askedAt)
            .values(SQLBind(id), SQLBind(auditID), SQLBind(personID), SQLBind(accountID), SQLBind(text), SQLBind(Int64(services.configuration.clock.now.timeIntervalSince1970)))
            .run()
        return id
    }

    private func questions(personID: String? = nil, open: Bool = false) async throws -> [Question] {
        typealias Questions = DataQuestionsTable
        var query = sql.select().columns(Questions.id, Questions.auditEntryID, Questions.personID, Questions.question, Questions.askedAt, Questions.answer,
                                         Questions.answeredBy).from(Questions.table)
        if let personID { query = query.where(Questions.personID, .equal, personID) }
        if open { query = query.where(SQLIdentifier(Questions.answer.name), .is, SQLLiteral.null) }
        return try await query.orderBy(Questions.askedAt.name, .ascending).limit(1_000).all().map { row in
            Question(id: try row.decode(column: Questions.id.name, as: String.self), auditID: try row.decode(column: Questions.auditEntryID.name, as: Int64.self),
                     personID: try row.decode(column: Questions.personID.name, as: String.self),
                     text: try row.decode(column: Questions.question.name, as: String.self),
                     askedAt: Date(timeIntervalSince1970: Double(try row.decode(column: Questions.askedAt.name, as: Int64.self))),
                     answer: try row.decode(column: Questions.answer.name, as: String?.self),
                     answeredBy: try row.decode(column: Questions.answeredBy.name, as: String?.self))
        }
    }

    /// An open question and the entry it is about, for the auditor: who (the officer's identity), when, why.
    struct OpenQuestion: Sendable {
        let question: Question
        let entry: Entry?
    }

    /// The questions not answered yet, oldest first.
    func openQuestions() async throws -> [OpenQuestion] {
        typealias Audit = AuditEntriesTable
        var result: [OpenQuestion] = []
        for question in try await questions(open: true) {
            let row = try await sql.select().columns(Audit.id, Audit.timeMilliseconds, Audit.actor, Audit.purpose, Audit.action, Audit.objectType, Audit.objectID, Audit.detail)
                .from(Audit.table).where(Audit.id, .equal, question.auditID).first()
            let entry = try row.map(Self.entry)
            result.append(OpenQuestion(question: question, entry: entry))
        }
        return result
    }

    /// The auditor's answer; shown to the person beside the entry.
    func answer(questionID: String, text: String, auditor: String) async throws {
        let text = String(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(Self.maximumText))
        guard !text.isEmpty else { throw DocumentIssuanceError(.trackerTextMissing, "an empty answer") }
        typealias Questions = DataQuestionsTable
        let now = Int64(services.configuration.clock.now.timeIntervalSince1970)
        try await database.retryingTransaction { db in
            guard let row = try await db.sql.select().column(Questions.answer).from(Questions.table).where(Questions.id, .equal, questionID).first() else {
                throw DocumentIssuanceError(.trackerEntryUnknown, "no such question")
            }
            guard try row.decode(column: Questions.answer.name, as: String?.self) == nil else {
                throw DocumentIssuanceError(.trackerAnswered, "already answered")
            }
            try await db.sql.update(Questions.table).set(Questions.answer, to: SQLBind(text)).set(Questions.answeredBy, to: SQLBind(auditor))
                .set(Questions.answeredAt, to: SQLBind(now)).where(Questions.id, .equal, questionID).run()
        }
    }

    // MARK: Mass lookups

    /// An officer who read more person records within one clock hour than the threshold.
    struct MassLookup: Sendable {
        let actor: String
        let hour: Date
        let reads: Int
    }

    /// The officers over `threshold` reads of person records in one hour, within `days` days, most reads first.
    func massLookups(threshold: Int, days: Int = 30) async throws -> [MassLookup] {
        typealias Audit = AuditEntriesTable
        let since = Int64(services.configuration.clock.now.timeIntervalSince1970 - Double(days) * 86_400) * 1000
        let rows = try await sql.raw("""
            SELECT \(ident: Audit.actor.name) AS actor, \(ident: Audit.timeMilliseconds.name) / 3600000 AS hour, COUNT(*) AS reads
            FROM \(ident: Audit.table.name)
            WHERE \(ident: Audit.objectType.name) = 'person' AND \(ident: Audit.action.name) IN ('person.read', 'person.jmbg-revealed')
              AND \(ident: Audit.actor.name) LIKE 'officer:%' AND \(ident: Audit.timeMilliseconds.name) >= \(bind: since)
            GROUP BY \(ident: Audit.actor.name), \(ident: Audit.timeMilliseconds.name) / 3600000
            HAVING COUNT(*) > \(bind: threshold)
            ORDER BY reads DESC LIMIT 200
            """).all()
        return try rows.map { row in
            MassLookup(actor: try row.decode(column: "actor", as: String.self),
                       hour: Date(timeIntervalSince1970: Double(try row.decode(column: "hour", as: Int64.self)) * 3600),
                       reads: try row.decode(column: "reads", as: Int.self))
        }
    }
}

extension LicnaServices {
    /// The data tracker on a database.
    func dataTracker(on database: any Database) -> DataTrackerService {
        DataTrackerService(database: database, services: self)
    }
}
