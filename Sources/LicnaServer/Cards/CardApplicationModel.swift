import Fluent
import SQLKit
import Foundation
import LicnaCore

/// A row of `card_applications`: an application for a registered person and, once personalized, the card made for
/// it. Holds no PIN, PUK or CAN; the suspension code only as a keyed hash; photo and fingerprints sealed under the
/// master key (bound to this row).
final class CardApplicationModel: Model, @unchecked Sendable {
    static let schema = CardApplicationsTable.table.name
    typealias Columns = CardApplicationsTable

    @ID(custom: .id, generatedBy: .user) var id: String?
    @Field(key: Columns.personID.key) var personID: String
    @Field(key: Columns.identificationNumber.key) var identificationNumber: String
    @Field(key: Columns.municipality.key) var municipality: String
    /// The language the contract and the envelope are written in.
    @Field(key: Columns.language.key) var language: String
    @Field(key: Columns.state.key) var stateText: String
    @OptionalField(key: Columns.cardNumber.key) var cardNumber: String?
    @OptionalField(key: Columns.photoSealed.key) var photoSealed: Data?
    @OptionalField(key: Columns.fingerprintsSealed.key) var fingerprintsSealed: Data?
    @Field(key: Columns.contractVersion.key) var contractVersion: String
    @Field(key: Columns.contractSHA256.key) var contractSHA256: String
    @Field(key: Columns.contractAcceptedAt.key) var contractAcceptedAt: Int64
    @Field(key: Columns.contractOfficer.key) var contractOfficer: String
    @OptionalField(key: Columns.replaces.key) var replaces: String?
    @OptionalField(key: Columns.replacementReason.key) var replacementReason: String?
    @OptionalField(key: Columns.closedReason.key) var closedReason: String?
    /// The card's last day, ISO 8601.
    @OptionalField(key: Columns.cardExpires.key) var cardExpires: String?
    @OptionalField(key: Columns.authenticationSerial.key) var authenticationSerial: String?
    @OptionalField(key: Columns.signatureSerial.key) var signatureSerial: String?
    @OptionalField(key: Columns.managementKeyVersion.key) var managementKeyVersion: Int?
    @OptionalField(key: Columns.suspensionCodeHash.key) var suspensionCodeHash: String?
    @Field(key: Columns.submittedAt.key) var submittedAt: Int64
    @OptionalField(key: Columns.approvedAt.key) var approvedAt: Int64?
    @OptionalField(key: Columns.personalizedAt.key) var personalizedAt: Int64?
    @OptionalField(key: Columns.deliveredAt.key) var deliveredAt: Int64?
    @OptionalField(key: Columns.activatedAt.key) var activatedAt: Int64?
    @OptionalField(key: Columns.blockedReportedAt.key) var blockedReportedAt: Int64?
    @Field(key: Columns.stateChangedAt.key) var stateChangedAt: Int64
    @Field(key: Columns.suspensionFailures.key) var suspensionFailures: Int
    @OptionalField(key: Columns.suspensionNextAttempt.key) var suspensionNextAttempt: Int64?

    init() {}

    var state: CardState {
        get { CardState(rawValue: stateText) ?? .revoked }
        set { stateText = newValue.rawValue }
    }

    /// The serials of the card's certificates (authentication first).
    var certificateSerials: [String] { [authenticationSerial, signatureSerial].compactMap { $0 } }
}

struct CreateCardIssuance: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await CardApplicationsTable.table.create(on: database)
        // A person's applications are looked up on every application (one card in use at a time) and in statistics.
        try await database.sql.raw("""
            CREATE INDEX card_applications_person ON \(CardApplicationsTable.table) (\(CardApplicationsTable.personID))
            """).run()
        try await database.sql.raw("""
            CREATE INDEX card_applications_state ON \(CardApplicationsTable.table) (\(CardApplicationsTable.state))
            """).run()
        // One application or card in use per person, even when two officers apply at the same moment.
        try await database.sql.raw("""
            CREATE UNIQUE INDEX card_applications_one_in_use ON \(CardApplicationsTable.table) (\(CardApplicationsTable.personID))
            WHERE \(CardApplicationsTable.state) NOT IN ('revoked', 'expired', 'replaced')
            """).run()
        try await AuthNoncesTable.table.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await AuthNoncesTable.table.delete(on: database)
        try await CardApplicationsTable.table.delete(on: database)
    }
}

/// The chips cards were personalized on (`CardChipsTable`), for renewal; added after `CreateCardIssuance`.
struct CreateCardChips: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await CardChipsTable.table.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await CardChipsTable.table.delete(on: database)
    }
}
