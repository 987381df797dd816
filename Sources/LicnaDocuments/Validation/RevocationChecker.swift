import Foundation
import LicnaPKI
import SwiftASN1
import X509

/// The revocation status of one certificate from OCSP responses and CRLs (RFC 6960, RFC 5280 §6.3): data
/// carried with the signature first, then fetched from the certificate's own addresses when a source is given.
/// Only answers signed by the issuer (or an OCSP responder it delegated, RFC 6960 §4.2.2.2) count.
struct RevocationChecker: Sendable {
    enum Status: Sendable, Equatable {
        case good(at: Date)
        case revoked(at: Date, reason: String?)
        case unknown
        /// No usable revocation data.
        case unavailable
    }

    var embedded: EmbeddedRevocationData
    var source: (any RevocationSource)?

    func status(of certificate: Certificate, issuer: Certificate) async -> Status {
        for bytes in embedded.ocspResponses {
            if let status = ocspStatus(bytes, certificate: certificate, issuer: issuer) { return status }
        }
        for bytes in embedded.crls {
            if let status = crlStatus(bytes, certificate: certificate, issuer: issuer) { return status }
        }
        guard let source else { return .unavailable }
        let locations = Self.locations(of: certificate)
        if let ocsp = locations.ocsp, let certID = try? OCSPCertID(hashAlgorithm: .sha1, issuer: issuer, serialNumber: certificate.serialNumber),
           let request = try? OCSPRequest.encode(certIDs: [certID], nonce: nil),
           let bytes = await source.ocspResponse(url: ocsp, request: request),
           let status = ocspStatus(bytes, certificate: certificate, issuer: issuer) {
            return status
        }
        for url in locations.crls {
            if let bytes = await source.crl(url: url), let status = crlStatus(bytes, certificate: certificate, issuer: issuer) {
                return status
            }
        }
        return .unavailable
    }

    private func ocspStatus(_ bytes: [UInt8], certificate: Certificate, issuer: Certificate) -> Status? {
        guard let response = try? OCSPResponse(derEncoded: bytes), response.status == .successful else { return nil }
        let signedByIssuer = response.isSigned(by: issuer)
        let delegated = response.certificates.contains { responder in
            response.isSigned(by: responder) && responder.issuer == issuer.subject
                && issuer.publicKey.isValidSignature(responder.signature, for: responder)
                && ((try? responder.extensions.extendedKeyUsage)??.contains(.ocspSigning) ?? false)
        }
        guard signedByIssuer || delegated else { return nil }
        for single in response.responses {
            for algorithm in [DigestAlgorithm.sha1, .sha256] {
                guard let expected = try? OCSPCertID(hashAlgorithm: algorithm, issuer: issuer, serialNumber: certificate.serialNumber),
                      single.certID.issuerNameHash == expected.issuerNameHash, single.certID.issuerKeyHash == expected.issuerKeyHash,
                      single.certID.serialNumber == expected.serialNumber else { continue }
                switch single.status {
                case .good: return .good(at: single.thisUpdate)
                case .revoked(let time, let reason): return .revoked(at: time, reason: reason.map { "\($0)" })
                case .unknown: return .unknown
                }
            }
        }
        return nil
    }

    private func crlStatus(_ bytes: [UInt8], certificate: Certificate, issuer: Certificate) -> Status? {
        guard let crl = try? CertificateRevocationList(derEncoded: bytes), crl.issuer == issuer.subject, crl.isSigned(by: issuer) else {
            return nil
        }
        if let entry = crl.entries.first(where: { $0.serialNumber == certificate.serialNumber }) {
            return .revoked(at: entry.revocationDate, reason: entry.reason.map { "\($0)" })
        }
        return .good(at: crl.thisUpdate)
    }

    /// The OCSP address (AIA, RFC 5280 §4.2.2.1) and CRL distribution points (§4.2.1.13) of a certificate.
    static func locations(of certificate: Certificate) -> (ocsp: String?, crls: [String]) {
        var ocsp: String?
        if let access = try? certificate.extensions.authorityInformationAccess {
            for description in access where description.method == .ocspServer {
                if case .uniformResourceIdentifier(let uri) = description.location { ocsp = uri }
            }
        }
        var crls: [String] = []
        if let value = certificate.extensions[oid: .PKIXExtensions.cRLDistributionPoints]?.value {
            crls = Self.uris(inDER: Array(value))
        }
        return (ocsp, crls)
    }

    /// Every [6] IA5String (uniformResourceIdentifier) inside a DER structure: the full names of CRL
    /// distribution points.
    static func uris(inDER bytes: [UInt8]) -> [String] {
        guard let root = try? DER.parse(bytes) else { return [] }
        var found: [String] = []
        func walk(_ node: ASN1Node, depth: Int) {
            guard depth < 12 else { return }
            switch node.content {
            case .constructed(let children):
                for child in children { walk(child, depth: depth + 1) }
            case .primitive(let value):
                if node.identifier == ASN1Identifier(tagWithNumber: 6, tagClass: .contextSpecific),
                   let text = String(bytes: value, encoding: .ascii) {
                    found.append(text)
                }
            }
        }
        walk(root, depth: 0)
        return found
    }
}
