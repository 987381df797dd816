import Fluent
import Foundation

/// A life event (birth, death) written in the same transaction as the change to the person (a transactional
/// outbox), so that other parts of the system — the card register revoking certificates on death — react to
/// every event exactly once, even across crashes.
final class LifeEventModel: Model, @unchecked Sendable {
    static let schema = LifeEventsTable.table.name

    @ID(key: .id) var id: UUID?
    /// `birth-registered`, `death-recorded`.
    @Field(key: LifeEventsTable.kind.key) var kind: String
    @Field(key: LifeEventsTable.personID.key) var personID: UUID
    /// The date of the event (ISO 8601).
    @Field(key: LifeEventsTable.eventDate.key) var eventDate: String
    @OptionalField(key: LifeEventsTable.createdAt.key) var createdAt: Date?
    /// Set by the consumer once it has reacted.
    @OptionalField(key: LifeEventsTable.processedAt.key) var processedAt: Date?

    /// The kind of a recorded death, whose consumer revokes the person's certificates.
    static let deathRecorded = "death-recorded"

    init() {}

    init(kind: String, personID: UUID, eventDate: String, createdAt: Date) {
        self.id = UUID()
        self.kind = kind
        self.personID = personID
        self.eventDate = eventDate
        self.createdAt = createdAt
    }
}
