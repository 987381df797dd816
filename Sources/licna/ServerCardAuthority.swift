import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LicnaCardClient
import LicnaPKI
import X509

/// Card certificates and security objects from a running Licna server, through the officer API with the admin
/// token (`Authorization: Bearer`): `POST /api/pki/certificates` and `POST /api/pki/security-objects`.
struct ServerCardAuthority: CardIssuingAuthority {
    let server: URL
    let token: String

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func issueCertificate(profile: CertificateProfile, csr: CertificateSigningRequest, attestation: KeyAttestation?) async throws -> Certificate {
        var body: [String: String] = ["profile": profile.rawValue, "csr": try csr.serializeAsPEM().pemString]
        if let attestation { body["attestation"] = try attestation.pemEncoded() }
        let answer = try await post("api/pki/certificates", body)
        guard let pem = answer["certificate"] as? String else { throw Failure(description: "the server's answer has no certificate") }
        return try Certificate(pemEncoded: pem)
    }

    /// The certificate of a virtual card's attestation key from the server's development root
    /// (`POST /api/pki/virtual-card-attestation-keys`).
    func certifyAttestationKey(_ publicKey: Certificate.PublicKey) async throws -> Certificate {
        let answer = try await post("api/pki/virtual-card-attestation-keys", ["publicKey": try publicKey.serializeAsPEM().pemString])
        guard let pem = answer["certificate"] as? String else { throw Failure(description: "the server's answer has no certificate") }
        return try Certificate(pemEncoded: pem)
    }

    func securityObject(dataGroups: [Int: [UInt8]]) async throws -> [UInt8] {
        let groups = Dictionary(uniqueKeysWithValues: dataGroups.map { ("\($0.key)", Data($0.value).base64EncodedString()) })
        let answer = try await post("api/pki/security-objects", ["dataGroups": groups])
        guard let text = answer["securityObject"] as? String, let bytes = Data(base64Encoded: text) else {
            throw Failure(description: "the server's answer has no security object")
        }
        return Array(bytes)
    }

    private func post(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        var request = URLRequest(url: server.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.timeoutInterval = 30
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard status == 200 else {
            let reason = object["reason"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self)
            throw Failure(description: "\(server.absoluteString)/\(path) answered \(status): \(reason)")
        }
        return object
    }
}
