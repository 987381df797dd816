import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaDocuments
import LicnaPKI
import SQLKit
import X509

extension CertificateAuthorityService {
    /// Seals a PDF the state issues with the institution's e-seal (PAdES B-T, ETSI EN 319 142-1): an end-entity
    /// e-seal certificate from the institution CA, whose key the server holds — never a CA key. The seal is
    /// made at the first use, and needs the organization identifier given at `licna ca init`. With `appearance`
    /// the seal is visible: a stamp with the organization and the time on the page it names.
    /// At `level` B-LT, `revocation` supplies the OCSP responses and CRLs the document's DSS then holds.
    public func seal(pdf: [UInt8], timestamps: some TimestampAuthority, appearance: SignatureAppearance? = nil,
                     level: SignatureLevel = .timestamped, revocation: (any RevocationSource)? = nil,
                     context: AuditContext) async throws -> [UInt8] {
        let key = try await eSealKey(context: context)
        let hierarchy = try await hierarchy()
        let institution = try hierarchy.authority(.institution).certificate
        let sealed: [UInt8]
        do {
            sealed = try await PAdESSigner(certificate: key.certificate, chain: [institution], reason: "e-seal", appearance: appearance).sign(
                pdf, with: SoftwareSignatureProducer(privateKey: key.privateKey), level: level, timestampAuthority: timestamps,
                revocationSource: revocation, signingTime: clock.now)
        } catch let error as SigningError where error.code == .timestampUnavailable {
            throw TrustError.timestampUnavailable(error.message)
        } catch let error as SigningError where error.code == .invalidAppearance {
            throw TrustError.invalidAppearance(error.message)
        } catch let error as SigningError {
            throw TrustError.invalidRequest(error.message)
        }
        let digest = SHA256.hash(data: sealed).hexString
        try await database.retryingTransaction { db in
            try await audit.append([context.event(.documentsSeal, .document, digest, detail: "sealed with \(key.certificate.serialNumber.hex)")], on: db)
        }
        return sealed
    }

    /// The e-seal key, issued through the ordinary issuance path (subject rules, serial, audit) on first use.
    func eSealKey(context: AuditContext) async throws -> SigningAuthority {
        if let key = try await hierarchy().eSeal { return key }
        let settings = try await settings()
        guard let identifier = settings.organizationIdentifier else {
            throw TrustError.invalidRequest("the e-seal needs the institution's registration identifier: initialize the hierarchy with `licna ca init --organization-identifier NTR<country>-<number>`")
        }
        let organization = settings.organization ?? "Licna"
        let subject = DistinguishedName([
            RelativeDistinguishedName(try .init(type: .NameAttributes.countryName, printableString: try await country())),
            RelativeDistinguishedName(.init(type: .NameAttributes.organizationName, utf8String: organization)),
            RelativeDistinguishedName(.init(type: .NameAttributes.commonName, utf8String: "\(organization) e-seal")),
            RelativeDistinguishedName(.init(type: .organizationIdentifier, utf8String: identifier)),
        ])
        let privateKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let csr = try CertificateSigningRequest(version: .v1, subject: subject, privateKey: privateKey,
                                                attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: .ecdsaWithSHA256)
        let certificate = try await issue(CertificateRequest(profile: .eSeal, csr: csr), context: context)
        let key = SigningAuthority(certificate: certificate, privateKey: privateKey)
        do {
            try await database.retryingTransaction { db in
                try await insertSigningKey(id: "e-seal", authority: .institution, profile: .eSeal, key: key, now: now, on: db.sql)
            }
            return key
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another request or process made the e-seal first: this certificate's key is dropped, so the
            // certificate is revoked (superseded) and the stored seal is used.
            // Best effort: its private key is already gone, so the certificate can sign nothing even if this fails.
            _ = try? await change(serial: CertificateSerial(certificate.serialNumber), .revoke(.superseded, invalidityDate: nil), context: context)
            guard let stored = try await hierarchy().eSeal else { throw TrustError.issueFailed() }
            return stored
        }
    }
}
