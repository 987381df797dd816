import Foundation
import LicnaAPI
import LicnaPKI
import Vapor
import X509

/// Manufacturing virtual cards through a running server (`licna card create --server`): `POST
/// /api/pki/virtual-card-attestation-keys` with a card's attestation public key (PEM) returns its certificate from
/// the installation's development root. Only a `--dev` installation accepts what such a card attests.
extension TrustController {
    // The bodies are LicnaAPI's, shared with the clients (`licna card create --server`).
    typealias AttestationKeyBody = AttestationKeyRequest
    typealias AttestationKeyAnswer = AttestationKeyCertificate

    func certifyAttestationKey(_ request: Request) async throws -> AttestationKeyAnswer {
        let body = try request.content.decode(AttestationKeyBody.self)
        let publicKey: Certificate.PublicKey
        do { publicKey = try Certificate.PublicKey(pemEncoded: body.publicKey) } catch {
            throw TrustError.invalidRequest("publicKey must be a PEM public key")
        }
        let certificate = try await request.application.licna.trust.authority(on: request.db).certifyVirtualCardAttestationKey(
            publicKey, context: AuditContext(actor: request.officerActor, purpose: .cardManufacture))
        return AttestationKeyAnswer(certificate: try certificate.serializeAsPEM().pemString)
    }
}
