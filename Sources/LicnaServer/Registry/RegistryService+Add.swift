import Fluent
import Foundation
import LicnaCore

extension RegistryService {
    /// Adds people whose JMBG is already known (demo data, corrections), skipping those already registered.
    /// One transaction; returns how many were added.
    func add(_ records: [PersonRecord], context: AuditContext) async throws -> Int {
        let existing = Set(try await PersonModel.query(on: database)
            .filter(\.$jmbgIndex ~~ records.map { protector.blindIndex($0.jmbg) }).all(\.$jmbgIndex))
        let missing = records.filter { !existing.contains(protector.blindIndex($0.jmbg)) }
        guard !missing.isEmpty else { return 0 }
        try await database.retryingTransaction { db in
            var numbers = try await pool.allocate(missing.count, on: db).makeIterator()
            var events: [AuditEvent] = []
            for record in missing {
                // `allocate` returns one number per record or throws; a short pool ends the transaction, never a trap.
                guard let number = numbers.next() else { throw RegistryError.poolExhausted }
                let model = PersonModel(id: TimeOrderedUUID.make(at: clock.now), record: record, identificationNumber: number, protector: protector, createdAt: clock.now)
                try await model.create(on: db)
                events.append(context.event(.personCreate, .person, model.id?.uuidString))
            }
            try await audit.append(events, on: db)
        }
        return missing.count
    }
}
