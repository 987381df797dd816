import Crypto
import Foundation
import LicnaCore
import LicnaPKI
@testable import LicnaServer
import SwiftASN1
import Vapor
import X509

/// CSRs and a set-up hierarchy for the trust-service tests.
enum TrustFixtures {
    static let setup = TrustSetup(country: "ME", organization: "Licna Test", publicURL: "http://127.0.0.1:8080",
                                  rootPassphrase: "correct horse battery staple", rootKeyCostLog2: 10)

    /// A citizen subject as the card-issuance flow writes it: C, GN, SN, CN and serialNumber PNOME-<number>.
    static func citizenSubject(given: String = "Jovana", surname: String = "Đurović", number: String? = nil,
                               country: String = "ME") throws -> DistinguishedName {
        let digits = number ?? IdentificationNumber.random()
        return try DistinguishedName.citizen(country: country, givenName: given, surname: surname, identificationNumber: digits)
    }

    static func sealSubject() throws -> DistinguishedName {
        DistinguishedName([
            RelativeDistinguishedName(try .init(type: .NameAttributes.countryName, printableString: "ME")),
            RelativeDistinguishedName(.init(type: .NameAttributes.organizationName, utf8String: "Uprava za katastar")),
            RelativeDistinguishedName(.init(type: .NameAttributes.commonName, utf8String: "Uprava za katastar e-pečat")),
            RelativeDistinguishedName(.init(type: .organizationIdentifier, utf8String: "NTRME-02012345")),
        ])
    }

    static func csr(subject: DistinguishedName, key: Certificate.PrivateKey = Certificate.PrivateKey(P256.Signing.PrivateKey())) throws -> CertificateSigningRequest {
        try CertificateSigningRequest(version: .v1, subject: subject, privateKey: key, attributes: CertificateSigningRequest.Attributes(),
                                      signatureAlgorithm: .preferred(for: key.publicKey))
    }

    /// Sets up the hierarchy (a `ca init --dev` one when `development`) and loads the keys into the responder and the TSA.
    static func initialize(_ app: Application, development: Bool = false, organizationIdentifier: String? = nil) async throws {
        var setup = setup
        setup.development = development
        setup.organizationIdentifier = organizationIdentifier
        try await app.licna.trust.authority(on: app.db).initialize(setup, context: .test)
        try await app.licna.trust.reload(on: app.db)
    }

    static func issue(_ app: Application, _ profile: CertificateProfile = .authentication, subject: DistinguishedName? = nil,
                      notAfter: Date? = nil) async throws -> Certificate {
        let request = try csr(subject: subject ?? citizenSubject())
        return try await app.licna.trust.authority(on: app.db).issue(CertificateRequest(profile: profile, csr: request, notAfter: notAfter), context: .test)
    }

    /// An OCSP request for `certificate` issued by `issuer`, as a client builds it (RFC 6960 §4.1.1).
    static func ocspRequest(for serial: [UInt8], issuer: Certificate, hash: DigestAlgorithm = .sha1, nonce: [UInt8]? = nil) throws -> [UInt8] {
        let certID = try OCSPCertID(hashAlgorithm: hash, issuer: issuer, serialNumber: Certificate.SerialNumber(bytes: serial))
        return try OCSPRequest.encode(certIDs: [certID], nonce: nonce)
    }
}

extension IdentificationNumber {
    /// A fresh valid number's digits.
    static func random() -> String {
        var generator = IdentificationNumberGenerator()
        return generator.next().digits
    }
}
