import Crypto
import Fluent
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCore
import LicnaPKI
import SQLKit
import X509

/// What a personalization station needs to personalize the card of one approved application: the holder's data
/// from the registry, the card number, the dates the card policy gives the holder's age, and the card's own
/// management key.
public struct CardPersonalizationPlan: Sendable {
    public var applicationID: String
    public var cardNumber: String
    public var surname: String
    public var givenNames: String
    public var identificationNumber: String
    /// The JMBG: written only into the identity application, behind the PIN.
    public var jmbg: String
    public var birthDate: CivilDate
    /// `M` or `F`.
    public var sex: Character
    public var country: String
    public var validity: CardValidity
    /// The photo (JPEG) for DG2, if the application has one.
    public var photo: [UInt8]?
    /// The citizen's language, for the envelope.
    public var language: String
    /// The card's AES-256 management key: derived from the installation's master secret of `managementKeyVersion`
    /// and the card number, so that it is never stored and the server can derive it again for renewal.
    public var managementKey: [UInt8]
    public var managementKeyVersion: Int
}

extension CardIssuanceService {
    /// The plan for personalizing the card of an approved application. Reads the holder's JMBG (audited as a
    /// disclosure for card personalization) and draws a card number not used before.
    public func personalizationPlan(applicationID id: String, context: AuditContext) async throws -> CardPersonalizationPlan {
        guard let model = try await CardApplicationModel.find(id, on: database) else { throw CardIssuanceError(.cardUnknownApplication, ["id": id]) }
        guard model.state == .approved else { throw CardIssuanceError.wrongState(model.state, needs: [.approved]) }
        guard let personID = UUID(uuidString: model.personID), let person = try await PersonModel.find(personID, on: database),
              person.status == PersonStatus.living.rawValue else {
            throw CardIssuanceError(.cardUnknownPerson)
        }
        let authority = authority(on: database)
        let settings = try await authority.settings()
        guard let country = settings.country else { throw CardIssuanceError(.cardNoAuthority) }
        let policy = try CertificateAuthorityService.cardPolicy(in: settings)
        guard let birth = CivilDate(iso8601: person.birthDate) else { throw CardIssuanceError.invalid("the person's birth date is not a date") }
        let validity = try policy.validity(birthDate: birth, issuedOn: clock.today)
        let jmbg = try services.protector.open(SealedValue(keyVersion: person.jmbgKeyVersion, combined: person.jmbgSealed), owner: personID.uuidString)
        var cardNumber = ""
        repeat {
            cardNumber = Self.newCardNumber()
        } while try await database.sql.select().column(CardApplicationsTable.cardNumber).from(CardApplicationsTable.table)
            .where(CardApplicationsTable.cardNumber, .equal, cardNumber).limit(1).first() != nil
        let photo = try model.photoSealed.map { try open($0, application: id, purpose: "photo") }
        // One transaction (`append(_:on:)` of one event): the head's sequence, the entry and the head's hash together.
        try await audit.append(context.event(.personJMBGRevealed, .person, personID.uuidString, detail: "card personalization, application \(id)"),
                               on: database)
        let version = configuration.managementKeyVersion
        return CardPersonalizationPlan(applicationID: id, cardNumber: cardNumber, surname: person.surname, givenNames: person.givenName,
                                       identificationNumber: person.identificationNumber, jmbg: jmbg.digits, birthDate: birth,
                                       sex: person.sex == Sex.female.rawValue ? "F" : "M", country: country, validity: validity,
                                       photo: photo, language: model.language,
                                       managementKey: managementKey(cardNumber: cardNumber, version: version), managementKeyVersion: version)
    }

    /// A card number: two letters and seven digits (ICAO 9303-5 document number, 9 characters, no check digit in it).
    static func newCardNumber() -> String {
        "LC" + String(format: "%07d", Int.random(in: 0..<10_000_000))
    }

    /// The card's management key: HMAC-SHA256 of the card number under the key derived from the master key for card
    /// management keys of `version`. Never stored; derived again when the server must manage the card.
    public func managementKey(cardNumber: String, version: Int) -> [UInt8] {
        let key = services.configuration.masterKey.derive(purpose: "card-management-keys", version: version)
        return Array(HMAC<SHA256>.authenticationCode(for: Data(cardNumber.utf8), using: key))
    }

    /// Records the personalized card: its number and expiry, its certificates (issued on hold), the management key's
    /// version and the suspension code's keyed hash. PIN, PUK and CAN are not given to this and are stored nowhere.
    public func recordPersonalization(_ plan: CardPersonalizationPlan, authenticationSerial: String, signatureSerial: String?,
                                      suspensionCode: SuspensionCode, attestation: KeyAttestation? = nil, context: AuditContext) async throws -> CardView {
        try await recordPersonalization(applicationID: plan.applicationID, cardNumber: plan.cardNumber, authenticationSerial: authenticationSerial,
                                        signatureSerial: signatureSerial, suspensionCode: suspensionCode,
                                        managementKeyVersion: plan.managementKeyVersion, attestation: attestation, context: context)
    }

    /// Records a personalized card as a station reports it (locally or through the officer API). The card number must
    /// be new and well formed; each certificate must be one this installation issued on hold, of the right profile,
    /// for this application's person, and bound to no other card; a signature certificate exactly when the card
    /// policy gives the holder one.
    ///
    /// `attestation` is the card's attestation of its authentication key: when given it must be for that certificate's
    /// key; when it chains to the manufacturer root of the model it names, the chip (model and serial) is recorded, the
    /// one a renewal will accept. A card that cannot attest, or whose manufacturer is unknown here, is recorded without
    /// a chip: it works, but cannot renew on line.
    public func recordPersonalization(applicationID id: String, cardNumber: String, authenticationSerial: String, signatureSerial: String?,
                                      suspensionCode: SuspensionCode, managementKeyVersion: Int, attestation: KeyAttestation? = nil,
                                      context: AuditContext) async throws -> CardView {
        guard cardNumber.utf8.count == 9, cardNumber.prefix(2).allSatisfy({ $0.isASCII && $0.isUppercase }),
              cardNumber.dropFirst(2).allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CardIssuanceError.invalid("a card number is two capital letters and seven digits")
        }
        guard (1...configuration.managementKeyVersion).contains(managementKeyVersion) else {
            throw CardIssuanceError.invalid("unknown management key version \(managementKeyVersion)")
        }
        let authority = authority(on: database)
        let settings = try await authority.settings()
        guard let country = settings.country else { throw CardIssuanceError(.cardNoAuthority) }
        let policy = try CertificateAuthorityService.cardPolicy(in: settings)
        // The chip, from its attestation (checked before the transaction: it reads the manufacturer roots). One that
        // does not chain to a known manufacturer's root names no chip: the card works, but cannot renew on line.
        let recordedChip: (model: String, serial: String)? = if let attestation, attestation.slot == KeyAttestation.authenticationSlot {
            try await authority.verifiedChip(attestation, publicKey: attestation.publicKey)
        } else { nil }
        // Everything that only reads is checked before the write transaction, so that SQLite's one writer is held for
        // the writes alone; the transaction then moves the application only if it is still approved, and the
        // certificates only if they are still on hold (a concurrent change in between is refused, not overwritten).
        guard let model = try await CardApplicationModel.find(id, on: database) else { throw CardIssuanceError(.cardUnknownApplication, ["id": id]) }
        guard model.state == .approved else { throw CardIssuanceError.wrongState(model.state, needs: [.approved]) }
        guard let personID = UUID(uuidString: model.personID), let person = try await PersonModel.find(personID, on: database),
              let birth = CivilDate(iso8601: person.birthDate) else { throw CardIssuanceError(.cardUnknownPerson) }
        let validity = try policy.validity(birthDate: birth, issuedOn: clock.today)
        guard (signatureSerial != nil) == validity.signatureCertificate else {
            throw CardIssuanceError.invalid(validity.signatureCertificate ? "an adult's card needs its signature certificate"
                                                                           : "this holder's card carries no signature certificate")
        }
        let authentication = try await Self.requireHeldCertificate(authenticationSerial, profile: .authentication, of: model.identificationNumber,
                                                                   country: country, on: database)
        if let attestation, authentication.publicKey != attestation.publicKey {
            throw CardIssuanceError.invalid("the card's attestation is for another key than its authentication certificate's")
        }
        if let signatureSerial {
            try await Self.requireHeldCertificate(signatureSerial, profile: .signature, of: model.identificationNumber, country: country, on: database)
        }
        try move(model, to: .personalized)
        model.cardNumber = cardNumber
        model.cardExpires = validity.cardExpires.iso8601
        model.authenticationSerial = authenticationSerial.lowercased()
        model.signatureSerial = signatureSerial?.lowercased()
        model.managementKeyVersion = managementKeyVersion
        model.suspensionCodeHash = suspensionCodeHash(suspensionCode, cardNumber: cardNumber)
        model.personalizedAt = nowSeconds
        let serials = model.certificateSerials
        let view = Self.view(model)
        let event = context.event(.cardPersonalize, .cardApplication, id,
                                  detail: "card \(cardNumber), certificates \(serials.joined(separator: " ")) on hold"
                                      + (recordedChip.map { ", chip \($0.model) \($0.serial)" } ?? (attestation == nil ? ", chip not attested" : ", chip not attested (its attestation does not chain to a known manufacturer's root)")))
        try await database.retryingTransaction { db in
            typealias Applications = CardApplicationsTable
            let moved: SQLRow?
            do {
                moved = try await db.sql.raw("""
                    UPDATE \(Applications.table) SET \(Applications.state) = \(bind: model.stateText), \(Applications.stateChangedAt) = \(bind: model.stateChangedAt),
                    \(Applications.cardNumber) = \(bind: cardNumber), \(Applications.cardExpires) = \(bind: model.cardExpires),
                    \(Applications.authenticationSerial) = \(bind: model.authenticationSerial), \(Applications.signatureSerial) = \(bind: model.signatureSerial),
                    \(Applications.managementKeyVersion) = \(bind: managementKeyVersion), \(Applications.suspensionCodeHash) = \(bind: model.suspensionCodeHash),
                    \(Applications.personalizedAt) = \(bind: model.personalizedAt)
                    WHERE \(Applications.id) = \(bind: id) AND \(Applications.state) = \(bind: CardState.approved.rawValue) RETURNING \(Applications.id)
                    """).first()
            } catch let error as any DatabaseError where error.isConstraintFailure {
                throw CardIssuanceError.invalid("the card number or a certificate already belongs to another card")
            }
            guard moved != nil else {
                let now = try await CardApplicationModel.find(id, on: db)?.state ?? .revoked
                throw CardIssuanceError.wrongState(now, needs: [.approved])
            }
            typealias Certificates = PKICertificatesTable
            let held = try await db.sql.select().column(SQLFunction("count", args: SQLLiteral.all), as: "held").from(Certificates.table)
                .where(Certificates.serial, .in, serials).where(Certificates.status, .equal, CertificateRecord.Status.hold.rawValue)
                .first()?.decode(column: "held", as: Int.self)
            guard held == serials.count else {
                throw CardIssuanceError.invalid("a certificate of this card left its hold while the card was recorded; personalize the card again")
            }
            if let chip = recordedChip {
                typealias Chips = CardChipsTable
                do {
                    try await db.sql.insert(into: Chips.table).columns(Chips.cardNumber, Chips.model, Chips.serial, Chips.recordedAt)
                        .values(SQLBind(cardNumber), SQLBind(chip.model), SQLBind(chip.serial), SQLBind(self.nowSeconds)).run()
                } catch let error as any DatabaseError where error.isConstraintFailure {
                    throw CardIssuanceError.invalid("chip \(chip.model) \(chip.serial) was already personalized as another card")
                }
            }
            try await self.audit.append([event], on: db)
        }
        return view
    }

    /// The certificate with this serial is one the installation issued, on hold, of `profile`, naming this person.
    @discardableResult
    static func requireHeldCertificate(_ serial: String, profile: CertificateProfile, of identificationNumber: String, country: String,
                                       on db: any Database) async throws -> Certificate {
        typealias Certificates = PKICertificatesTable
        let row = try await db.sql.select().columns(Certificates.status, Certificates.profile, Certificates.certificate).from(Certificates.table)
            .where(Certificates.serial, .equal, serial.lowercased()).first()
        guard let row, try row.decode(column: Certificates.status.name, as: String.self) == CertificateRecord.Status.hold.rawValue,
              try row.decode(column: Certificates.profile.name, as: String.self) == profile.rawValue,
              let certificate = try? Certificate(derEncoded: Array(try row.decode(column: Certificates.certificate.name, as: Data.self))),
              SubjectRules.identificationNumber(in: certificate.subject, country: country) == identificationNumber else {
            throw CardIssuanceError.invalid("certificate \(serial.prefix(40)) is not a \(profile.rawValue) certificate on hold for this person")
        }
        return certificate
    }

    /// A personalization that failed after certificates were issued: they are revoked (cessationOfOperation), so
    /// that no certificate of a card that does not exist stays on hold; the application stays approved.
    public func abandonPersonalization(certificateSerials: [String], context: AuditContext) async {
        let authority = authority(on: database)
        for serial in certificateSerials {
            _ = try? await authority.change(serial: CertificateSerial(rawValue: serial), .revoke(.cessationOfOperation, invalidityDate: nil),
                                            context: context)
        }
    }
}
