import Crypto
import Fluent
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import LicnaPKI
import SQLKit
import X509

extension CardIssuanceService {
    /// Who a card sign-in proved: the registry person the card was issued to, and the level the card reaches.
    public struct CardHolder: Sendable, Equatable {
        public var personID: UUID
        public var cardNumber: String
        public var level: LevelOfAssurance
    }

    /// A sign-in nonce (STANDARDS.md, "Authentication": ≥ 256 bits, single use, 5 minutes, bound to the session) for
    /// the sign-on interaction `binding`; a new one replaces the interaction's earlier one.
    public func signInNonce(binding: String) async throws -> CardNonce {
        let issued = try await nonces.issue(.signIn, binding: "interaction/" + binding)
        return CardNonce(nonce: issued.nonce, expiresAt: issued.expiresAt)
    }

    /// Checks an eID sign-in token (Web eID 1.0, signed by the card's authentication key `9A`) and returns whom it
    /// proves. It holds when: the interaction's sign-in nonce is outstanding (consumed by this attempt, whatever its
    /// outcome, so a token is never tried twice; an activation nonce is of another purpose and never found here);
    /// the certificate is, byte for byte, a card authentication certificate this installation issued (its chain is
    /// ours by construction); the signature verifies over `H(origin) ‖ H(nonce)` with the server's own origin and
    /// nonce (a token made for another origin fails here); the card is activated; the certificate is within its
    /// validity and its status is good (the responder's own record: not on hold, not revoked); and the subject's
    /// identification number (ETSI EN 319 412-1 §5.1.3 `PNO<C>-…`) is the card holder's in the registry.
    ///
    /// The level follows the card (eIDAS 2015/1502 §2.2.1, protection against duplication): high for a chip whose
    /// key attestation chained to a configured certified model when it was personalized; a virtual card is
    /// substantial, or high on a development installation (`--dev`, with a development hierarchy); a card whose chip
    /// was not recorded is substantial.
    public func signIn(_ token: CardSignedToken, binding: String) async throws -> CardHolder {
        guard let nonce = try await nonces.consume(.signIn, binding: "interaction/" + binding, on: database) else {
            throw CardIssuanceError(.cardNonce)
        }
        return try await holder(of: token, nonce: nonce)
    }

    /// A nonce for signing a mandate (issue 14, item 6) by the account `binding`: 32 random bytes and the SHA-256 of
    /// the mandate's statement, so the card's signature covers the statement. A new one replaces the earlier one.
    func mandateNonce(binding: String, statement: String) async throws -> CardNonce {
        let issued = try await nonces.issue(.mandate, binding: "account/" + binding, content: Data(SHA256.hash(data: Data(statement.utf8))))
        return CardNonce(nonce: issued.nonce, expiresAt: issued.expiresAt)
    }

    /// Checks a token that signs a mandate's `statement` for the account `binding`, as ``signIn(_:binding:)`` checks
    /// a sign-in; the outstanding nonce must end with the statement's SHA-256 (a statement changed after the nonce
    /// was issued fails here). Returns whose card signed.
    func signMandate(_ token: CardSignedToken, binding: String, statement: String) async throws -> CardHolder {
        guard let nonce = try await nonces.consume(.mandate, binding: "account/" + binding, on: database) else {
            throw CardIssuanceError(.cardNonce)
        }
        guard let bytes = Data(base64Encoded: nonce), bytes.count == 64, bytes.suffix(32) == Data(SHA256.hash(data: Data(statement.utf8))) else {
            throw CardIssuanceError.token("the signed nonce was issued for another statement")
        }
        return try await holder(of: token, nonce: nonce)
    }

    /// Whom a token signed over `nonce` proves (the checks of ``signIn(_:binding:)`` after the nonce).
    private func holder(of token: CardSignedToken, nonce: String) async throws -> CardHolder {
        let certificate = try Self.certificate(of: token, role: "authentication")
        let serial = certificate.serialNumber.hex
        guard let model = try await CardApplicationModel.query(on: database).filter(\.$authenticationSerial == serial).first() else {
            throw CardIssuanceError.token("the certificate is not the authentication certificate of a card this installation issued")
        }
        try await requireIssued(certificate, serial: model.authenticationSerial)
        try Self.verify(token, certificate: certificate, origin: try await origin(), nonce: nonce, role: "authentication")
        guard model.state == .activated else { throw CardIssuanceError.wrongState(model.state, needs: [.activated]) }
        let record = try await authority(on: database).status(serial: serial)
        let now = clock.now
        guard record.status == "good", record.notBefore <= now, now <= record.notAfter else {
            throw CardIssuanceError.token("the card's authentication certificate is \(record.status == "good" ? "outside its validity" : record.status)")
        }
        guard Self.identificationNumber(of: certificate) == model.identificationNumber, let personID = UUID(uuidString: model.personID),
              let person = try await PersonModel.find(personID, on: database), person.identificationNumber == model.identificationNumber else {
            throw CardIssuanceError.token("the certificate's identification number is not the card holder's in the registry")
        }
        return CardHolder(personID: personID, cardNumber: model.cardNumber ?? "", level: try await level(cardNumber: model.cardNumber))
    }

    /// The identification number in a citizen certificate's subject serialNumber (`PNO<C>-<number>`).
    static func identificationNumber(of certificate: Certificate) -> String? {
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .NameAttributes.serialNumber {
                guard let text = String(attribute.value), text.hasPrefix("PNO"), let dash = text.firstIndex(of: "-") else { return nil }
                return String(text[text.index(after: dash)...])
            }
        }
        return nil
    }

    /// The level of assurance a card's sign-in reaches, from the chip recorded at personalization.
    func level(cardNumber: String?) async throws -> LevelOfAssurance {
        typealias Chips = CardChipsTable
        guard let cardNumber, let row = try await database.sql.select().column(Chips.model).from(Chips.table)
            .where(Chips.cardNumber, .equal, cardNumber).first() else { return .substantial }
        let model = try row.decode(column: Chips.model.name, as: String.self)
        let trust = services.configuration.trust
        if model == CardManufacturer.virtualCardModel {
            let development = trust.acceptsDevelopmentCards ? try await authority(on: database).settings().development : false
            return development ? .high : .substantial
        }
        return trust.qscdCardModels.contains(model) ? .high : .substantial
    }
}
