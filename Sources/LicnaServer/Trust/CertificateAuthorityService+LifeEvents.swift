import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
import SQLKit
import X509

extension CertificateAuthorityService {
    /// The consumer of the registry's `death-recorded` life events (the outbox `life_events`): each one revokes every
    /// certificate of the person that is not revoked yet (reason cessationOfOperation, RFC 5280 §5.3.1: the holder
    /// no longer exists; invalidity date the day of death), each revocation audited as any other, then marks the
    /// event processed. A crash between the two leaves the event to be processed again: revoked certificates are
    /// not touched twice. Returns how many certificates were revoked.
    @discardableResult
    public func processDeaths(context: AuditContext = AuditContext(actor: "system", purpose: .deathRegistration),
                              batch: Int = 100) async throws -> Int {
        // Without a CA there is nothing to revoke: the events wait until one exists.
        guard let country = try await settings().country else { return 0 }
        var revoked = 0
        let events = try await LifeEventModel.query(on: database)
            .filter(\.$kind == LifeEventModel.deathRecorded).filter(\.$processedAt == nil)
            .sort(\.$createdAt).limit(batch).all()
        for event in events {
            typealias Persons = PersonsTable
            let person = try await sql.select().column(Persons.identificationNumber).from(Persons.table)
                .where(Persons.id, .equal, event.personID).first()
            if let number = try person?.decode(column: Persons.identificationNumber.name, as: String.self) {
                let invalidity = CivilDate(iso8601: event.eventDate)?.startInUTC
                for serial in try await certificateSerials(of: number, country: country) {
                    do {
                        _ = try await change(serial: CertificateSerial(rawValue: serial), .revoke(.cessationOfOperation, invalidityDate: invalidity),
                                             context: context)
                        revoked += 1
                    } catch let error as TrustError where error.code == .caAlreadyRevoked {
                        continue  // revoked meanwhile, by an officer or an earlier run
                    }
                }
            }
            try await closeCards(ofPerson: event.personID, context: context)
            event.processedAt = clock.now
            try await event.save(on: database)
        }
        return revoked
    }

    /// The person's cards still in use are closed (revoked, `closed_reason` death), each audited; their certificates
    /// were revoked above.
    func closeCards(ofPerson personID: UUID, context: AuditContext) async throws {
        typealias Cards = CardApplicationsTable
        let final = CardState.allCases.filter(\.isFinal).map(\.rawValue)
        let rows = try await sql.update(Cards.table)
            .set(Cards.state, to: CardState.revoked.rawValue).set(Cards.closedReason, to: "death")
            .set(Cards.stateChangedAt, to: Int64(clock.now.timeIntervalSince1970))
            .where(Cards.personID, .equal, personID.uuidString)
            .where(Cards.state, .notIn, final)
            .returning(Cards.id).all()
        let events = try rows.map { context.event(.cardRevoke, .cardApplication, try $0.decode(column: Cards.id.name, as: String.self), detail: "holder deceased") }
        if !events.isEmpty { try await audit.append(events, on: database) }
    }

    /// The serials of the certificates not yet revoked whose subject names this identification number
    /// (`serialNumber` `PNO<country>-<number>`, read from each certificate itself, not only from the stored text).
    func certificateSerials(of identificationNumber: String, country: String) async throws -> [String] {
        typealias Certificates = PKICertificatesTable
        let rows = try await sql.select().columns(Certificates.serial, Certificates.certificate).from(Certificates.table)
            .where(Certificates.subject, .like, "%PNO\(country)-\(identificationNumber)%")
            .where(Certificates.status, .notEqual, CertificateRecord.Status.revoked.rawValue)
            .all()
        return try rows.compactMap { row in
            let der = [UInt8](try row.decode(column: Certificates.certificate.name, as: Data.self))
            guard let certificate = try? Certificate(derEncoded: der),
                  SubjectRules.identificationNumber(in: certificate.subject, country: country) == identificationNumber else { return nil }
            return try row.decode(column: Certificates.serial.name, as: String.self)
        }
    }
}
