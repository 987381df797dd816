import Fluent
import Foundation
import LicnaAPI
import LicnaPKI
import Vapor
import X509

/// The officers' certificate API: issue from a CSR, read the status, revoke, hold and release.
extension TrustController {
    // The bodies are LicnaAPI's, shared with the clients (`licna card create --server`).
    typealias IssueBody = CertificateIssueRequest
    typealias IssuedBody = IssuedCertificate
    typealias RevokeBody = RevocationRequest

    func issue(_ request: Request) async throws -> IssuedBody {
        let body = try request.content.decode(IssueBody.self)
        guard let profile = CertificateProfile(rawValue: body.profile), CertificateProfile.requestable.contains(profile) else {
            throw TrustError.invalidRequest("profile must be authentication, signature or e-seal")
        }
        let csr: CertificateSigningRequest
        do { csr = try CertificateRequest.parseCSR(Array(body.csr.utf8)) } catch {
            throw TrustError.invalidRequest("the CSR is not a PEM certificate signing request")
        }
        var attestation: KeyAttestation?
        if let text = body.attestation {
            do { attestation = try KeyAttestation(pemEncoded: text) } catch let error as PKIError {
                throw TrustError.invalidRequest("the attestation is not usable: \(error.detail)")
            }
        }
        let certificate = try await request.application.licna.trust.authority(on: request.db).issue(
            CertificateRequest(profile: profile, csr: csr, notAfter: body.notAfter, latestNotAfter: body.latestNotAfter, cardModel: body.cardModel,
                               attestation: attestation, onHold: body.onHold ?? false),
            context: AuditContext(actor: request.officerActor, purpose: .certificateIssuance))
        return IssuedBody(serial: certificate.serialNumber.hex, certificate: try certificate.serializeAsPEM().pemString)
    }

    func status(_ request: Request) async throws -> CertificateRecordView {
        try await request.application.licna.trust.authority(on: request.db).status(serial: request.parameters.get("serial") ?? "")
    }

    func revoke(_ request: Request) async throws -> CertificateRecordView {
        let body = try request.content.decode(RevokeBody.self)
        guard let reason = RevocationReason(name: body.reason) else {
            throw TrustError.invalidRequest("unknown reason; use one of " + RevocationReason.revocationReasons.map(\.name).joined(separator: ", "))
        }
        return try await change(request, .revoke(reason, invalidityDate: body.invalidityDate))
    }

    func hold(_ request: Request) async throws -> CertificateRecordView { try await change(request, .hold) }
    func release(_ request: Request) async throws -> CertificateRecordView { try await change(request, .release) }

    private func change(_ request: Request, _ change: CertificateStatusChange) async throws -> CertificateRecordView {
        try await request.application.licna.trust.authority(on: request.db).change(
            serial: request.parameters.get("serial") ?? "", change, context: AuditContext(actor: request.officerActor, purpose: .certificateStatus))
    }
}

extension CertificateRecordView: Content {}
