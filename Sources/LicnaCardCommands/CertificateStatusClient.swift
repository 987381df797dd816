import Crypto
import Foundation
import LicnaBasics
import LicnaPKI
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SwiftASN1
import X509

/// Asks the issuing server's OCSP responder (RFC 6960) about a card's certificates, trusting only what chains to the
/// server's root (pinned or over https): the issuing CA's certificate is fetched and checked under the root, the
/// response must be signed by that CA or by a responder it certified, echo a fresh nonce and answer for the serial
/// asked, with a `thisUpdate` no older than a day.
struct CertificateStatusClient {
    let server: URL
    let root: Certificate
    let clock: any WallClock

    /// `good`, `certificateHold`, `revoked: <reason>`, `unknown`, or `unverifiable: <why>`.
    func status(of certificate: Certificate) async -> String {
        do {
            let issuer = try await issuingCA(of: certificate)
            let certID = try OCSPCertID(hashAlgorithm: .sha256, issuer: issuer, serialNumber: certificate.serialNumber)
            let nonce = (0..<16).map { _ in UInt8.random(in: 0...255) }
            let body = try OCSPRequest.encode(certIDs: [certID], nonce: nonce)
            var request = URLRequest(url: server.appendingPathComponent("pki/ocsp"))
            request.httpMethod = "POST"
            request.timeoutInterval = 30
            request.setValue("application/ocsp-request", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body)
            let (data, _) = try await URLSession.shared.data(for: request)
            guard data.count <= 64 * 1024 else { return "unverifiable: oversized answer" }
            let response = try OCSPResponse(derEncoded: Array(data))
            guard response.status == .successful else { return "unverifiable: \(response.status)" }
            guard let nonceValue = response.nonceValue, nonceValue.suffix(nonce.count) == nonce[...] else { return "unverifiable: nonce not echoed" }
            let signer = response.isSigned(by: issuer) ? issuer : response.certificates.first { candidate in
                response.isSigned(by: candidate) && candidate.issuer == issuer.subject
                    && issuer.publicKey.isValidSignature(candidate.signature, for: candidate)
            }
            guard signer != nil else { return "unverifiable: the response is not signed by the issuing CA or its responder" }
            guard let single = response.responses.first(where: { $0.certID == certID }) else { return "unverifiable: no answer for this serial" }
            guard clock.now.timeIntervalSince(single.thisUpdate) < 86_400 else { return "unverifiable: stale answer" }
            switch single.status {
            case .good: return "good"
            case .revoked(_, let reason): return reason == .certificateHold ? "certificateHold" : "revoked: \(reason.map { "\($0)" } ?? "unspecified")"
            case .unknown: return "unknown"
            }
        } catch {
            return "unverifiable: \(error)"
        }
    }

    /// The CA that issued `certificate`: the server's citizen CA certificate, checked to be signed by the root.
    private func issuingCA(of certificate: Certificate) async throws -> Certificate {
        let url = server.appendingPathComponent("pki/ca/citizen.cer")
        let (data, _) = try await URLSession.shared.data(from: url)
        let issuer = try Certificate(derEncoded: Array(data.prefix(64 * 1024)))
        guard issuer.subject == certificate.issuer, issuer.issuer == root.subject, root.publicKey.isValidSignature(issuer.signature, for: issuer),
              issuer.publicKey.isValidSignature(certificate.signature, for: certificate) else {
            throw CocoaError(.coderInvalidValue, userInfo: [NSDebugDescriptionErrorKey: "the card's certificate does not chain to the server's root"])
        }
        return issuer
    }
}
