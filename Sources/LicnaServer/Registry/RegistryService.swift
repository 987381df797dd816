import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import SQLKit

/// The civil registry: registering births, recording deaths, finding people. Every read of a person's record and
/// every change is written to the audit trail in the same transaction as the change.
public struct RegistryService: Sendable {
    let database: any Database
    let protector: PersonalNumberProtector
    let pool: IdentificationNumberPool
    let audit: AuditLog
    let clock: any WallClock

    public init(database: any Database, protector: PersonalNumberProtector, pool: IdentificationNumberPool,
                audit: AuditLog, clock: any WallClock) {
        self.database = database
        self.protector = protector
        self.pool = pool
        self.audit = audit
        self.clock = clock
    }

    /// The result of a birth registration: the new record, with the JMBG for the birth certificate.
    public struct Registered: Sendable {
        public let person: PersonView
        public let jmbg: JMBG
    }

    /// Registers a birth: allocates the next free JMBG for date, region and sex and an identification number from
    /// the pool, and writes the person, a `birth-registered` life event and the audit entry in one transaction.
    public func registerBirth(_ registration: BirthRegistration, context: AuditContext) async throws -> Registered {
        guard !registration.givenName.trimmingCharacters(in: .whitespaces).isEmpty,
              !registration.surname.trimmingCharacters(in: .whitespaces).isEmpty,
              !registration.municipality.isEmpty, registration.birthDate <= clock.today,
              registration.citizenship.utf8.count == 2, (registration.parents ?? []).count <= 2 else { throw RegistryError.invalidRegistration }
        let candidates: [JMBG]
        do {
            candidates = try JMBGAllocator().candidates(birthDate: registration.birthDate, regionCode: registration.regionCode, sex: registration.sex)
        } catch {
            throw error == .exhausted ? RegistryError.jmbgRangeExhausted : RegistryError.invalidRegistration
        }
        for _ in 0..<5 {
            let jmbg = try await firstFree(of: candidates)
            let record = PersonRecord(jmbg: jmbg, givenName: registration.givenName, surname: registration.surname,
                                      givenNameCyrillic: registration.givenNameCyrillic, surnameCyrillic: registration.surnameCyrillic,
                                      birthDate: registration.birthDate, birthPlace: registration.birthPlace, sex: registration.sex,
                                      citizenship: registration.citizenship.uppercased(), address: registration.address,
                                      municipality: registration.municipality)
            do {
                let model = try await database.retryingTransaction { db in
                    // The pool's UPDATE comes first: it takes the write lock before anything is read.
                    let number = try await pool.allocate(1, on: db)[0]
                    let model = PersonModel(id: TimeOrderedUUID.make(at: clock.now), record: record, identificationNumber: number, protector: protector, createdAt: clock.now)
                    try await model.create(on: db)
                    try await LifeEventModel(kind: "birth-registered", personID: model.requireID(), eventDate: record.birthDate.iso8601, createdAt: clock.now).create(on: db)
                    try await audit.append([context.event(.personCreate, .person, model.id?.uuidString, detail: "birth-registered")], on: db)
                    for number in Set(registration.parents ?? []) {
                        guard let parent = try await PersonModel.query(on: db).filter(\.$identificationNumber == number).first() else {
                            throw RegistryError.unknownParent
                        }
                        try await DocumentIssuanceService.linkParent(child: try model.requireID(), parent: try parent.requireID(), source: "birth-registration",
                                                                     context: context, audit: audit, clock: clock, on: db)
                    }
                    return model
                }
                return Registered(person: try PersonView(model), jmbg: jmbg)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                continue // Another registration took the same serial meanwhile: try the next one.
            }
        }
        throw RegistryError.concurrentChange
    }

    /// The first of `candidates` no person holds, asked 16 at a time: serials are given in order, so the first few
    /// are usually free, and each candidate costs a blind index (an HMAC) and an index probe.
    private func firstFree(of candidates: [JMBG]) async throws -> JMBG {
        for start in stride(from: 0, to: candidates.count, by: 16) {
            let chunk = candidates[start..<min(start + 16, candidates.count)].map { ($0, protector.blindIndex($0)) }
            let taken = Set(try await PersonModel.query(on: database).filter(\.$jmbgIndex ~~ chunk.map(\.1)).all(\.$jmbgIndex))
            if let free = chunk.first(where: { !taken.contains($0.1) }) { return free.0 }
        }
        throw RegistryError.jmbgRangeExhausted
    }

    /// Records a death: the status changes, and a `death-recorded` life event lets other parts react (the card
    /// register revokes the person's certificates).
    public func recordDeath(personID: PersonID, date: CivilDate, context: AuditContext) async throws -> PersonView {
        try await database.retryingTransaction { db in
            guard let person = try await PersonModel.find(personID.rawValue, on: db) else { throw RegistryError.notFound }
            guard person.status == PersonStatus.living.rawValue else { throw RegistryError.alreadyDeceased }
            guard let birth = CivilDate(iso8601: person.birthDate), date >= birth, date <= clock.today else {
                throw RegistryError.deathBeforeBirth
            }
            person.status = PersonStatus.deceased.rawValue
            person.deathDate = date.iso8601
            person.updatedAt = clock.now
            try await person.save(on: db)
            try await LifeEventModel(kind: LifeEventModel.deathRecorded, personID: personID.rawValue, eventDate: date.iso8601, createdAt: clock.now).create(on: db)
            try await audit.append([context.event(.personDeathRecorded, .person, personID.rawValue.uuidString, detail: date.iso8601)], on: db)
            return try PersonView(person)
        }
    }

    /// The columns a `PersonView` is read from.
    static let viewColumns = [
        PersonsTable.id, PersonsTable.identificationNumber, PersonsTable.givenName, PersonsTable.surname, PersonsTable.givenNameCyrillic,
        PersonsTable.surnameCyrillic, PersonsTable.birthDate, PersonsTable.birthPlace, PersonsTable.sex, PersonsTable.citizenship,
        PersonsTable.address, PersonsTable.municipality, PersonsTable.status, PersonsTable.deathDate,
    ]

    /// The sealed JMBG of a row, read only when it is to be revealed.
    struct SealedJMBG: Decodable {
        let id: UUID
        let jmbgSealed: Data
        let jmbgKeyVersion: Int
    }

    /// The people matching a query, read with SQLKit straight into views: this is the registry's hot read path,
    /// and Fluent's model machinery would cost more than the indexed lookup itself.
    func matching(_ query: RegistryQuery, limit: Int, withSealedJMBG: Bool = false) async throws -> [(PersonView, SealedJMBG?)] {
        let sql = database.sql
        var select = sql.select()
            .columns(Self.viewColumns + (withSealedJMBG ? [PersonsTable.jmbgSealed, PersonsTable.jmbgKeyVersion] : []))
            .from(PersonsTable.table)
        switch query {
        case .jmbg(let jmbg): select = select.where(PersonsTable.jmbgIndex, .equal, protector.blindIndex(jmbg))
        case .identificationNumber(let number): select = select.where(PersonsTable.identificationNumber, .equal, number.digits)
        case .personID(let id): select = select.where(PersonsTable.id, .equal, id.rawValue)
        case .bornBefore(let date): select = select.where(PersonsTable.birthDate, .lessThan, date.iso8601).orderBy(PersonsTable.birthDate)
        case .name(let text):
            for word in NameFolding.fold(text).split(separator: " ") where !word.isEmpty {
                select = select.where(PersonsTable.nameFolded, .like, "%\(Self.escapeLike(String(word)))%")
            }
            select = select.orderBy(PersonsTable.surname).orderBy(PersonsTable.givenName)
        }
        let rows = try await select.limit(limit).all()
        return try rows.map { row in
            (try row.decode(model: PersonView.self, keyDecodingStrategy: .convertFromSnakeCase),
             withSealedJMBG ? try row.decode(model: SealedJMBG.self, keyDecodingStrategy: .convertFromSnakeCase) : nil)
        }
    }

    /// Finds people. Each person returned is a read of their record and is audited; with `revealJMBG` the
    /// JMBG is opened and included, and that reveal is audited as such.
    public func find(_ query: RegistryQuery, revealJMBG: Bool = false, limit: Int = 100, context: AuditContext) async throws -> [PersonView] {
        let found = try await matching(query, limit: limit, withSealedJMBG: revealJMBG)
        var views: [PersonView] = []
        var events = [context.event(.registrySearch, .registry, nil, detail: "by \(query.kind), \(found.count) found")]
        for (view, sealed) in found {
            var view = view
            if let sealed {
                view.jmbg = try protector.open(SealedValue(keyVersion: sealed.jmbgKeyVersion, combined: sealed.jmbgSealed),
                                               owner: sealed.id.uuidString).digits
            }
            views.append(view)
            events.append(context.event(revealJMBG ? .personJMBGRevealed : .personRead, .person, view.id.rawValue.uuidString))
        }
        try await audit.appendAlone(events, on: database)
        return views
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
    }

    /// Writes the whole registry as CSV (RegistryCSV's header), a page at a time, in a consistent order.
    /// The export is one audited read of the registry.
    public func export(context: AuditContext, write: (String) throws -> Void) async throws -> Int {
        try write(CSVWriter.line(RegistryCSV.header))
        var count = 0
        var after: UUID?
        while true {
            var query = PersonModel.query(on: database).sort(\.$id).limit(5_000)
            if let after { query = query.filter(\.$id > after) }
            let page = try await query.all()
            for model in page {
                try write(CSVWriter.line(RegistryCSV.fields(of: model.record(protector: protector))))
            }
            count += page.count
            guard let last = page.last?.id else { break }
            after = last
        }
        try await audit.append(context.event(.registryExport, .registry, nil, detail: "\(count) persons"), on: database)
        return count
    }

    /// The ids of everything that names this person in the audit trail: the person and the import that created them.
    public func auditObjectIDs(forPerson id: PersonID) async throws -> [String] {
        guard let person = try await PersonModel.find(id.rawValue, on: database) else { throw RegistryError.notFound }
        return [id.rawValue.uuidString] + [person.importID?.uuidString].compactMap { $0 }
    }
}
