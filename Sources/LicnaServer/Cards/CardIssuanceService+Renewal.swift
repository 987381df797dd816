import Crypto
import Fluent
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCard
import LicnaCardClient
import LicnaCore
import LicnaPKI
import SQLKit
import X509

/// On-line renewal of an activated card's keys and certificates (docs/card.md "Renewal"): how a 50-year card keeps
/// working with 5-year certificates. The server runs `CardRenewalScript` with the card's derived management key; the
/// citizen's tool relays each command after verifying the PIN on the card itself (the card refuses to generate keys
/// without it), so the PIN never reaches the server.
///
/// What protects the keys: the management key proves the card is the one this installation personalized; each new
/// key's attestation must chain to its manufacturer's root and name the chip recorded at personalization
/// (`card_chips`), so software between card and server can neither substitute a key of its own nor one made on
/// another card. New certificates are issued on hold and released, with the old ones revoked (superseded), only
/// once the card has stored them; a renewal that fails or is abandoned revokes what it issued.
extension CardIssuanceService {
    var renewals: CardRenewalSessions { services.cardRenewals }

    /// Starts a renewal of the activated, unexpired card `cardNumber` whose chip was recorded.
    public func startRenewal(cardNumber: String, context: AuditContext) async throws -> CardRenewalStep {
        await revokeAbandoned(await renewals.expire(now: clock.now), context: context)
        guard let model = try await CardApplicationModel.query(on: database).filter(\.$cardNumber == cardNumber).first() else {
            throw CardIssuanceError(.cardUnknownCard, ["card": String(cardNumber.prefix(40))])
        }
        guard model.state == .activated else { throw CardIssuanceError.wrongState(model.state, needs: [.activated]) }
        guard let expires = model.cardExpires.flatMap(CivilDate.init(iso8601:)), expires >= clock.today else {
            throw CardIssuanceError(.cardRenewalUnavailable, ["detail": "the card expired on \(model.cardExpires ?? "?")"])
        }
        typealias Chips = CardChipsTable
        guard let chipRow = try await database.sql.select().columns(Chips.model, Chips.serial).from(Chips.table)
            .where(Chips.cardNumber, .equal, cardNumber).first() else {
            throw CardIssuanceError(.cardRenewalUnavailable, ["detail": "its chip did not attest its keys at personalization"])
        }
        let chip = (model: try chipRow.decode(column: Chips.model.name, as: String.self), serial: try chipRow.decode(column: Chips.serial.name, as: String.self))
        let current = try await storedCertificate(model.authenticationSerial)
        let algorithm: PIVAlgorithm = P384.Signing.PublicKey(current.publicKey) != nil ? .p384 : .p256
        let slots: [PIVSlot] = [.authentication] + (model.signatureSerial != nil ? [.signature] : [])
        guard let version = model.managementKeyVersion, let id = model.id else {
            throw CardIssuanceError(.cardRenewalUnavailable, ["detail": "its management key is not recorded"])
        }
        let script = try CardRenewalScript(managementKey: managementKey(cardNumber: cardNumber, version: version), slots: slots, algorithm: algorithm)
        let session = CardRenewalSessions.Session(id: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }.hexString, applicationID: id,
                                                   cardNumber: cardNumber, chip: chip,
                                                   script: script, expiresAt: clock.now + CardRenewalSessions.lifetime)
        let (accepted, abandoned) = await renewals.open(session, now: clock.now)
        await revokeAbandoned(abandoned, context: context)
        guard accepted else { throw CardIssuanceError(.cardThrottled, ["seconds": String(Int(CardRenewalSessions.lifetime))]) }
        return step(session)
    }

    /// Reads the card's answer (`response`: hex, data then SW1 SW2) to the session's last command and gives the next.
    public func continueRenewal(session id: String, response: String, context: AuditContext) async throws -> CardRenewalStep {
        let (live, expired) = await renewals.take(id, now: clock.now)
        if let expired { await revokeAbandoned([expired], context: context) }
        guard var session = live else { throw CardIssuanceError(.cardRenewalSession) }
        do {
            guard response.utf8.count <= 2 * 70_000, let bytes = ASCIIHex.decode(response), bytes.count >= 2 else {
                throw CardIssuanceError(.cardRenewalRefused, ["detail": "the card's answer is not hex ending in its status word"])
            }
            try session.script.read(ResponseAPDU(data: Array(bytes.dropLast(2)), status: StatusWord(bytes[bytes.count - 2], bytes[bytes.count - 1])))
            if session.script.stage == .awaitingCertificates {
                try await certify(&session, context: context)
            }
            if session.script.stage == .finished {
                let view = try await complete(session, context: context)
                return CardRenewalStep(session: session.id, command: nil, card: view, expiresAt: session.expiresAt)
            }
            guard await renewals.put(session) else { throw CardIssuanceError(.cardRenewalSession) }
            return step(session)
        } catch {
            await revokeAbandoned([session], context: context)
            if let error = error as? CardIssuanceError { throw error }
            if let error = error as? PIVError { throw CardIssuanceError(.cardRenewalRefused, ["detail": error.message]) }
            throw error
        }
    }

    /// The step to send: the script's command, with the issuing CA's certificate once certificates are written.
    private func step(_ session: CardRenewalSessions.Session) -> CardRenewalStep {
        CardRenewalStep(session: session.id, command: session.script.command?.bytes.hexString, issuer: session.issuer,
                               expiresAt: session.expiresAt)
    }

    /// Checks every attestation against the recorded chip and its manufacturer's root, then issues the new
    /// certificates on hold, under the old certificates' names and never past the card.
    private func certify(_ session: inout CardRenewalSessions.Session, context: AuditContext) async throws {
        let authority = authority(on: database)
        guard let model = try await CardApplicationModel.find(session.applicationID, on: database), model.state == .activated,
              let expires = model.cardExpires.flatMap(CivilDate.init(iso8601:)) else {
            throw CardIssuanceError(.cardRenewalRefused, ["detail": "the card is no longer activated"])
        }
        var issued: [Certificate] = []
        for (slot, publicKey, attestation) in try session.script.attestations() {
            let refusal: String? = if attestation.slot != slot.keyReference || attestation.publicKey != publicKey {
                "the attestation of \(slot) is not for the key the card just made there"
            } else if attestation.model != session.chip.model || attestation.serial != session.chip.serial {
                "the key in \(slot) was attested by chip \(attestation.model) \(attestation.serial.prefix(40)), not by this card's"
            } else if try await authority.verifiedChip(attestation, publicKey: publicKey) == nil {
                "the attestation of \(slot) does not chain to the card manufacturer's root"
            } else { nil }
            if let refusal {
                let (id, cardNumber) = (session.applicationID, session.cardNumber)
                try await database.retryingTransaction { db in
                    try await self.audit.append([context.event(.cardRenewalRefused, .cardApplication, id,
                                                               detail: "card \(cardNumber): \(refusal)")], on: db)
                }
                throw CardIssuanceError(.cardRenewalRefused, ["detail": refusal])
            }
            let old = try await storedCertificate(slot == .authentication ? model.authenticationSerial : model.signatureSerial)
            let certificate = try await authority.issue(
                CertificateRequest(profile: slot == .authentication ? .authentication : .signature, subject: old.subject, attestedKey: attestation,
                                   latestNotAfter: expires.startInUTC, onHold: true),
                context: context)
            session.issued.append(certificate.serialNumber.hex)
            // The CA that issued it (the newest citizen CA generation), for the tool's chain check.
            session.issuer = try await authority.hierarchy().issuer(of: certificate).map { try $0.certificate.serializeAsPEM().pemString }
            issued.append(certificate)
        }
        try session.script.provide(certificates: issued)
    }

    /// The card stored its new certificates: they are released, the old ones revoked (superseded), and the card
    /// names the new serials, in one transaction with the audit entry.
    private func complete(_ session: CardRenewalSessions.Session, context: AuditContext) async throws -> CardView {
        try await database.retryingTransaction { db in
            guard let model = try await CardApplicationModel.find(session.applicationID, on: db), model.state == .activated else {
                throw CardIssuanceError(.cardRenewalRefused, ["detail": "the card is no longer activated"])
            }
            let old = model.certificateSerials
            try await self.revokeCertificates(of: model, reason: .superseded, context: context, on: db)
            model.authenticationSerial = session.issued.first
            model.signatureSerial = session.issued.count > 1 ? session.issued[1] : nil
            try await self.setHold(false, of: model, context: context, on: db)
            try await model.save(on: db)
            try await self.audit.append([context.event(.cardRenew, .cardApplication, model.id,
                                                       detail: "card \(session.cardNumber): certificates \(session.issued.joined(separator: " ")) replace \(old.joined(separator: " ")) (superseded); keys attested by chip \(session.chip.model) \(session.chip.serial)")],
                                        on: db)
            return Self.view(model)
        }
    }

    /// Revokes the held certificates of renewals that failed, were displaced or expired (cessationOfOperation).
    func revokeAbandoned(_ sessions: [CardRenewalSessions.Session], context: AuditContext) async {
        let authority = authority(on: database)
        for serial in sessions.flatMap(\.issued) {
            _ = try? await authority.change(serial: CertificateSerial(rawValue: serial), .revoke(.cessationOfOperation, invalidityDate: nil),
                                            context: context)
        }
    }

    /// The certificate this installation issued with `serial`.
    private func storedCertificate(_ serial: String?) async throws -> Certificate {
        typealias Certificates = PKICertificatesTable
        guard let serial, let row = try await database.sql.select().column(Certificates.certificate).from(Certificates.table)
            .where(Certificates.serial, .equal, serial).first(),
              let certificate = try? Certificate(derEncoded: Array(try row.decode(column: Certificates.certificate.name, as: Data.self))) else {
            throw CardIssuanceError(.cardRenewalUnavailable, ["detail": "its certificates are not in this installation"])
        }
        return certificate
    }
}
