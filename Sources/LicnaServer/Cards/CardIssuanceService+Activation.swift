import Fluent
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCore
import LicnaPKI
import SQLKit
import X509

extension CardIssuanceService {
    /// What a card-signed proof is for: activation of a delivered card (holds released), or the holder lifting a
    /// suspension with the card and PIN.
    public enum PresencePurpose: Sendable {
        case activation, resumption

        var nonce: CardNonceStore.Purpose { self == .activation ? .activation : .resumption }
        var from: CardState { self == .activation ? .delivered : .suspended }
    }

    var nonces: CardNonceStore { CardNonceStore(database: database, clock: clock) }

    /// The installation's public address: the one fixed at `licna ca init` (in certificates and envelopes), else the
    /// server's `--public-url`.
    public func publicAddress() async throws -> String {
        try await authority(on: database).publicURL() ?? services.configuration.publicURL
    }

    /// The origin the cards sign (RFC 6454 §6.2 ASCII serialization of the installation's public address): the
    /// server's own, never one a client names.
    public func origin() async throws -> String {
        let address = try await publicAddress()
        return WebOrigin.serialization(of: address) ?? address
    }

    /// A nonce for the card whose certificates have these serials, if it is in the state the purpose starts from.
    public func nonce(for request: CardNonceRequest, purpose: PresencePurpose) async throws -> CardNonce {
        let authentication = request.authenticationSerial.lowercased()
        guard let model = try await CardApplicationModel.query(on: database).filter(\.$authenticationSerial == authentication).first(),
              model.signatureSerial == request.signatureSerial?.lowercased() else {
            throw CardIssuanceError(.cardUnknownCard, ["card": String(authentication.prefix(40))])
        }
        guard model.state == purpose.from else { throw CardIssuanceError.wrongState(model.state, needs: [purpose.from]) }
        let issued = try await nonces.issue(purpose.nonce, binding: Self.binding(model))
        return CardNonce(nonce: issued.nonce, expiresAt: issued.expiresAt)
    }

    static func binding(_ model: CardApplicationModel) -> String {
        (model.authenticationSerial ?? "") + "/" + (model.signatureSerial ?? "")
    }

    /// Checks a card's proof of presence and, when it holds, activates the card (or lifts its suspension): the
    /// certificates' holds are released and the state changes, in one transaction with the audit entries.
    ///
    /// The proof holds when: the authentication token's certificate is, byte for byte, the card's authentication
    /// certificate this installation issued (so a certificate of another CA is refused), and likewise the signature
    /// token's for a card with a signature key; the card is in the purpose's starting state; an outstanding nonce of
    /// this purpose exists for the card (single use, 5 minutes; consumed by this attempt whatever its outcome); and
    /// both signatures verify over `H(origin) ‖ H(nonce)` with the server's own origin and nonce.
    public func present(_ proof: CardPresenceProof, purpose: PresencePurpose, context: AuditContext) async throws -> CardView {
        let authentication = try Self.certificate(of: proof.authentication, role: "authentication")
        let serial = authentication.serialNumber.hex
        guard let model = try await CardApplicationModel.query(on: database).filter(\.$authenticationSerial == serial).first() else {
            throw CardIssuanceError(.cardUnknownCard, ["card": serial])
        }
        guard model.state == purpose.from else { throw CardIssuanceError.wrongState(model.state, needs: [purpose.from]) }
        // Consumed before anything is checked: a token, right or wrong, is never tried twice against one nonce.
        guard let nonce = try await nonces.consume(purpose.nonce, binding: Self.binding(model), on: database) else {
            throw CardIssuanceError(.cardNonce)
        }
        let origin = try await origin()
        try await requireIssued(authentication, serial: model.authenticationSerial)
        try Self.verify(proof.authentication, certificate: authentication, origin: origin, nonce: nonce, role: "authentication")
        switch (model.signatureSerial, proof.signature) {
        case (nil, nil):
            break
        case (let expected?, let token?):
            let certificate = try Self.certificate(of: token, role: "signature")
            try await requireIssued(certificate, serial: expected)
            try Self.verify(token, certificate: certificate, origin: origin, nonce: nonce, role: "signature")
        case (_?, nil):
            throw CardIssuanceError.token("the signature key's token is missing: both keys must sign, each after its own PIN verification")
        case (nil, _?):
            throw CardIssuanceError.token("this card has no signature key, but a signature token was sent")
        }
        return try await database.retryingTransaction { db in
            guard let current = try await CardApplicationModel.find(model.id, on: db), current.state == purpose.from else {
                throw CardIssuanceError.wrongState(model.state, needs: [purpose.from])
            }
            try await self.setHold(false, of: current, context: context, on: db)
            try self.move(current, to: .activated)
            if purpose == .activation { current.activatedAt = self.nowSeconds }
            current.suspensionFailures = 0
            current.suspensionNextAttempt = nil
            try await current.save(on: db)
            try await self.audit.append([context.event(purpose == .activation ? .cardActivate : .cardResume, .cardApplication, current.id,
                                                       detail: "card \(current.cardNumber ?? "")")], on: db)
            return Self.view(current)
        }
    }

    static func certificate(of token: CardSignedToken, role: String) throws -> Certificate {
        guard token.format == CardSignedToken.currentFormat else {
            throw CardIssuanceError.token("the \(role) token's format is \(String(token.format.prefix(40))), not \(CardSignedToken.currentFormat)")
        }
        guard let der = Data(base64Encoded: token.unverifiedCertificate), der.count <= 16_384,
              let certificate = try? Certificate(derEncoded: Array(der)) else {
            throw CardIssuanceError.token("the \(role) token's certificate is not a DER certificate in base64")
        }
        return certificate
    }

    static func verify(_ token: CardSignedToken, certificate: Certificate, origin: String, nonce: String, role: String) throws {
        guard let algorithm = CardTokenSignature.Algorithm(rawValue: token.algorithm), algorithm == CardTokenSignature.Algorithm(key: certificate.publicKey) else {
            throw CardIssuanceError.token("the \(role) token's algorithm \(String(token.algorithm.prefix(10))) does not fit its key")
        }
        guard let signature = Data(base64Encoded: token.signature),
              CardTokenSignature.verify(Array(signature), algorithm: algorithm, certificate: certificate, origin: origin, nonce: nonce) else {
            throw CardIssuanceError.token("the \(role) key's signature does not verify for this server's origin and nonce")
        }
    }

    /// The certificate must be the one this installation issued with that serial, byte for byte.
    func requireIssued(_ certificate: Certificate, serial: String?, on database: (any Database)? = nil) async throws {
        typealias Certificates = PKICertificatesTable
        guard let serial, certificate.serialNumber.hex == serial,
              let row = try await (database ?? self.database).sql.select().column(Certificates.certificate).from(Certificates.table)
                .where(Certificates.serial, .equal, serial).first(),
              let stored = try? row.decode(column: Certificates.certificate.name, as: Data.self),
              Array(stored) == (try DEREncoding.encode(certificate)) else {
            throw CardIssuanceError.token("the certificate is not this card's, as this installation issued it")
        }
    }

    /// The citizen's tool reports a card whose PIN and PUK are exhausted. Unverified (anyone holding the certificate,
    /// which is public, can say so): it is counted, nothing is revoked or changed on that word alone.
    public func reportBlocked(_ report: CardBlockedReport, context: AuditContext) async throws {
        guard let der = Data(base64Encoded: report.authenticationCertificate), der.count <= 16_384,
              let certificate = try? Certificate(derEncoded: Array(der)) else {
            throw CardIssuanceError.token("the report's certificate is not a DER certificate in base64")
        }
        let serial = certificate.serialNumber.hex
        try await database.retryingTransaction { db in
            guard let model = try await CardApplicationModel.query(on: db).filter(\.$authenticationSerial == serial).first() else {
                throw CardIssuanceError(.cardUnknownCard, ["card": serial])
            }
            try await self.requireIssued(certificate, serial: model.authenticationSerial, on: db)
            guard model.blockedReportedAt == nil else { return }
            model.blockedReportedAt = self.nowSeconds
            try await model.save(on: db)
            try await self.audit.append([context.event(.cardBlockedReported, .cardApplication, model.id, detail: "unverified report")], on: db)
        }
    }
}
