import Fluent
import Foundation
import LicnaCore
import LicnaPKI
import SQLKit
import X509

/// Key attestation: which card models are certified QSCDs is configuration (`TrustConfiguration.qscdModels`);
/// whether a key sits on one is the card's proof (`KeyAttestation`), never the caller's word.
extension CertificateAuthorityService {
    /// The installation's development manufacturer of virtual cards, made on first use: a root ("not for real
    /// use") whose key is sealed under the master key like the CA keys, kept in `pki_settings`. Any installation
    /// can make virtual cards with it; only one run with `--dev` accepts their attestations.
    public func developmentCardManufacturer() async throws -> CardManufacturer {
        if let stored = try await storedDevelopmentCardManufacturer() { return stored }
        let made = try CardManufacturer.development(now: now)
        let pem = try made.root.certificate.serializeAsPEM().pemString
        let sealed = Data(try vault.seal(made.root.privateKey, at: .developmentCardRoot)).base64EncodedString()
        do {
            try await database.retryingTransaction { db in
                let sql = db.sql
                try await InstallationSettings.insert(.developmentCardRootCertificate, pem, on: sql)
                try await InstallationSettings.insert(.developmentCardRootKey, sealed, on: sql)
            }
            return made
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another process made it first: use the stored one.
            guard let stored = try await storedDevelopmentCardManufacturer() else { throw TrustError.issueFailed("\(error)") }
            return stored
        }
    }

    /// The development root's certificate alone (its key stays sealed): what checking an attestation needs.
    private func storedDevelopmentCardRoot() async throws -> Certificate? {
        try Self.developmentCardRoot(in: try await settings())
    }

    private static func developmentCardRoot(in settings: InstallationSettings) throws -> Certificate? {
        try settings.developmentCardRootCertificate.map { try Certificate(pemEncoded: $0) }
    }

    private func storedDevelopmentCardManufacturer() async throws -> CardManufacturer? {
        let settings = try await settings()
        guard let pem = settings.developmentCardRootCertificate,
              let sealed = settings.developmentCardRootKey.flatMap({ Data(base64Encoded: $0) }) else { return nil }
        return CardManufacturer(root: SigningAuthority(certificate: try Certificate(pemEncoded: pem), privateKey: try vault.open(Array(sealed), at: .developmentCardRoot)))
    }

    /// The certified model and card serial whose attestation proves that the request's key was generated on such a
    /// card, or nil. All of: the attested key is the CSR's key and sits in the signature slot `9C` (whose PIN policy
    /// is "always": sole control for each signature, SP 800-73-4 §3.3.2); the attestation was signed by the card's
    /// attestation key, whose certificate chains to a root configured for the model the attestation names. The
    /// virtual card's model counts only on a development installation, with the installation's own root.
    func attestedQSCD(_ request: CertificateRequest, settings: InstallationSettings) async throws -> (model: String, serial: CardSerial)? {
        guard let attestation = request.attestation, attestation.publicKey == request.publicKey,
              attestation.slot == KeyAttestation.signatureSlot else { return nil }
        var models = configuration.qscdModels
        models[CardManufacturer.virtualCardModel] = nil
        // Both: the process runs with --dev and the hierarchy itself was made with `ca init --dev` (its names say TEST),
        // so production data started with --dev still never gives a virtual card QcSSCD.
        if configuration.acceptsDevelopmentCards, settings.development,
           let development = try Self.developmentCardRoot(in: settings) {
            models[CardManufacturer.virtualCardModel] = [development]
        }
        guard let roots = models[attestation.model], await attestation.verify(roots: roots, at: now) else { return nil }
        return (attestation.model, CardSerial(rawValue: attestation.serial))
    }
}

extension CertificateAuthorityService {
    /// The manufacturer roots an attestation naming `model` must chain to, to prove only that a key was made on a
    /// genuine card of that model (not that the model is a certified QSCD): the configured roots of the model, and for
    /// the virtual card the installation's own development root, which certified every virtual card it personalizes.
    public func manufacturerRoots(model: String) async throws -> [Certificate] {
        if model == CardManufacturer.virtualCardModel {
            return try await storedDevelopmentCardRoot().map { [$0] } ?? []
        }
        return configuration.qscdModels[model] ?? []
    }

    /// Checks a card's attestation as proof that the key was made on a genuine chip: it chains to the roots of the
    /// model it names (at this moment) and attests `publicKey`. Returns the model and chip serial it names.
    public func verifiedChip(_ attestation: KeyAttestation, publicKey: Certificate.PublicKey) async throws -> (model: String, serial: String)? {
        guard attestation.publicKey == publicKey else { return nil }
        let roots = try await manufacturerRoots(model: attestation.model)
        guard await attestation.verify(roots: roots, at: now) else { return nil }
        return (attestation.model, attestation.serial)
    }
}

extension CertificateAuthorityService {
    /// Manufactures a virtual card's attestation key remotely (`licna card create --server`): the installation's
    /// development root certifies `publicKey` as the attestation key of a `licna-virtual` card with a fresh serial.
    public func certifyVirtualCardAttestationKey(_ publicKey: Certificate.PublicKey, context: AuditContext) async throws -> Certificate {
        let serial = CardSerial.random()
        let certificate = try await developmentCardManufacturer().certifyAttestationKey(
            publicKey, model: CardManufacturer.virtualCardModel, serial: serial.rawValue, now: now)
        try await database.retryingTransaction { db in
            try await audit.append([context.event(.caVirtualCard, .card, serial.rawValue, detail: "attestation key certified by the development root")], on: db)
        }
        return certificate
    }
}
