import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LicnaAPI
import LicnaCardClient
import LicnaCardCommands
import LicnaCommandLine
import LicnaPKI
import X509

/// Card certificates and security objects from a running Licna server, through the officer API with the admin
/// token (`Authorization: Bearer`): `POST /api/pki/certificates` and `POST /api/pki/security-objects`, with the
/// request and answer bodies of `LicnaAPI`. An error answer becomes an `APIFailure` carrying the server's code and
/// message, in the operator's language.
struct ServerCardAuthority: CardIssuingAuthority {
    let server: URL
    let token: String
    /// Certificates are issued on hold (a citizen's card until its activation).
    var onHold = false
    /// The serials issued so far, so that a personalization that fails later can revoke them.
    let issued = IssuedSerials()

    func issueCertificate(profile: CertificateProfile, csr: CertificateSigningRequest, latestNotAfter: Date,
                          attestation: KeyAttestation?) async throws -> Certificate {
        let request = CertificateIssueRequest(profile: profile.rawValue, csr: try csr.serializeAsPEM().pemString, latestNotAfter: latestNotAfter,
                                              attestation: try attestation?.pemEncoded(), onHold: onHold ? true : nil)
        let answer: IssuedCertificate = try await post("api/pki/certificates", request)
        issued.append(answer.serial)
        return try Certificate(pemEncoded: answer.certificate)
    }

    /// The certificate of a virtual card's attestation key from the server's development root
    /// (`POST /api/pki/virtual-card-attestation-keys`).
    func certifyAttestationKey(_ publicKey: Certificate.PublicKey) async throws -> Certificate {
        let answer: AttestationKeyCertificate = try await post("api/pki/virtual-card-attestation-keys",
                                                               AttestationKeyRequest(publicKey: try publicKey.serializeAsPEM().pemString))
        return try Certificate(pemEncoded: answer.certificate)
    }

    func securityObject(dataGroups: [Int: [UInt8]]) async throws -> [UInt8] {
        let groups = Dictionary(uniqueKeysWithValues: dataGroups.map { ("\($0.key)", Data($0.value).base64EncodedString()) })
        let answer: SecurityObjectResponse = try await post("api/pki/security-objects", SecurityObjectRequest(dataGroups: groups))
        guard let bytes = Data(base64Encoded: answer.securityObject) else {
            throw APIFailure(url: server.absoluteString + "/api/pki/security-objects", status: 200, code: .apiUnexpectedAnswer,
                             message: "securityObject is not base64")
        }
        return Array(bytes)
    }

    private func post<Body: Encodable, Answer: Decodable>(_ path: String, _ body: Body) async throws -> Answer {
        let url = server.appendingPathComponent(path)
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.timeoutInterval = 30
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        // The server translates its error messages into the operator's language.
        request.setValue(Terminal.language, forHTTPHeaderField: "Accept-Language")
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        request.httpBody = try encoder.encode(body)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw APIFailure(url: url.absoluteString, status: status, body: data) }
        do {
            return try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw APIFailure(url: url.absoluteString, status: status, code: .apiUnexpectedAnswer, message: "\(error)")
        }
    }
}
