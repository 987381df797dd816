import Foundation
import LicnaPKI
import X509

/// The revocation data a document carries, parsed once per validation and shared by every signature and every
/// certificate checked: what does not parse as a successful OCSP response or a CRL is dropped here, and each
/// signature check of an entry is made at most once (per signer key) and charged to the budget, so that junk
/// entries cost nothing twice.
final class RevocationEvidence: @unchecked Sendable {
    /// What a signature check is about: an embedded OCSP response or CRL by index (nil: fetched, not remembered),
    /// or a delegated responder's certificate.
    enum Subject: Hashable {
        case ocsp(Int?)
        case crl(Int?)
        case certificate(Certificate)
    }

    private struct Key: Hashable {
        var subject: Subject
        var signer: Certificate.PublicKey
    }

    let ocspResponses: [OCSPResponse]
    let crls: [CertificateRevocationList]
    private let lock = NSLock()
    private var results: [Key: Bool] = [:]

    init(_ embedded: EmbeddedRevocationData) {
        ocspResponses = embedded.ocspResponses.compactMap { bytes in
            guard let response = try? OCSPResponse(derEncoded: bytes), response.status == .successful else { return nil }
            return response
        }
        crls = embedded.crls.compactMap { try? CertificateRevocationList(derEncoded: $0) }
    }

    /// Adds what every embedded answer says about the query's certificate.
    func assess(_ query: RevocationQuery, checker: RevocationChecker, into assessment: inout RevocationChecker.Assessment) throws {
        for (index, response) in ocspResponses.enumerated() {
            try checker.assess(response, index: index, query, into: &assessment)
        }
        for (index, crl) in crls.enumerated() {
            try checker.assess(crl, index: index, query, into: &assessment)
        }
    }

    /// The result of `check` (a signature verification by `signer`'s key), made once per subject and key and
    /// charged to `budget`.
    func verified(_ subject: Subject, signer: Certificate, budget: ValidationBudget, _ check: () -> Bool) throws -> Bool {
        let key = Key(subject: subject, signer: signer.publicKey)
        let remembered: Bool
        switch subject {
        case .ocsp(nil), .crl(nil): remembered = false
        default: remembered = true
        }
        if remembered, let known = lock.withLock({ results[key] }) { return known }
        try budget.chargeVerification()
        let result = check()
        if remembered { lock.withLock { results[key] = result } }
        return result
    }
}
