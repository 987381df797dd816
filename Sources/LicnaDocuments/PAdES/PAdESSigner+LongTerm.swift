import Foundation
import LicnaPKI
import X509

extension PAdESSigner {
    /// B-LT (ETSI EN 319 142-1 §5.4.2): a further incremental update whose DSS holds the certificates of the
    /// signer, its chain, the TSA and the TSA's chain, and an OCSP response or CRL that shows the status now of every
    /// one of them below a trust anchor (the self-signed ones), so that the file validates without a network.
    func addValidationData(to signed: [UInt8], signatureCMS: [UInt8], source: (any RevocationSource)?) async throws -> [UInt8] {
        guard let source else {
            throw SigningError(.timestampUnavailable, "level b-lt needs to fetch revocation data; it cannot be made offline")
        }
        var certificates: [Certificate] = []
        var candidates = [certificate] + chain
        if let signerInfo = try? CMSSignedData(contentInfoDER: signatureCMS).signerInfos.first,
           let token = CMSSignatureValidator.signatureTimestamp(in: signerInfo),
           let tokenData = try? CMSSignedData(contentInfoDER: token) {
            candidates += tokenData.certificates
        }
        for candidate in candidates where !certificates.contains(candidate) { certificates.append(candidate) }
        let (ocsps, crls) = try await Self.revocationData(for: certificates, source: source)
        let file = try PDFFile(bytes: signed)
        guard let catalogReference = file.catalogReference else { throw SigningError(.unsupportedDocument, "the PDF has no catalog") }
        var catalog = try file.catalog()
        var update = PDFIncrementalUpdate(base: file)
        func streams(_ items: [[UInt8]]) -> [PDFObject] {
            items.map { bytes in
                let reference = update.allocate()
                update.set(reference, .stream(PDFStream(dictionary: PDFDictionary(), bytes: bytes)))
                return .reference(reference)
            }
        }
        // An earlier signature's DSS stays: its entries are kept and this signature's are added.
        var dss = (try? file.dictionary(catalog["DSS"])) ?? PDFDictionary()
        let existing = (try? file.documentSecurityStore()) ?? nil
        func append(_ key: String, _ items: [[UInt8]], already: [[UInt8]]) {
            let added = streams(items.filter { !already.contains($0) })
            guard !added.isEmpty else { return }
            dss[key] = .array(((try? file.array(dss[key])) ?? []) + added)
        }
        append("Certs", try certificates.map { try DEREncoding.encode($0) }, already: existing?.certificates ?? [])
        append("OCSPs", ocsps, already: existing?.ocspResponses ?? [])
        append("CRLs", crls, already: existing?.crls ?? [])
        let dssReference = update.allocate()
        update.set(dssReference, .dictionary(dss))
        catalog["DSS"] = .reference(dssReference)
        update.set(catalogReference, .dictionary(catalog))
        return try update.write().bytes
    }

    /// An OCSP response, or else a CRL, for every certificate that is not self-signed, checked to answer for it
    /// (signed by its issuer when the issuer is among `certificates`; a CRL of its issuer's name otherwise, for the
    /// validator to check against the trust anchor).
    ///
    /// - Throws: `SigningError` naming the first certificate for which no answer could be fetched: a B-LT file
    ///   without it would not validate offline.
    static func revocationData(for certificates: [Certificate], source: any RevocationSource) async throws -> (ocsps: [[UInt8]], crls: [[UInt8]]) {
        var ocsps: [[UInt8]] = []
        var crls: [[UInt8]] = []
        // Any authentic answer for the certificate will do here; the validator judges freshness.
        func answers(_ embedded: EmbeddedRevocationData, _ subject: Certificate, _ issuer: Certificate) async -> Bool {
            let checker = RevocationChecker(evidence: RevocationEvidence(embedded), source: nil, now: .distantPast, maximumAge: .infinity,
                                            budget: ValidationBudget(limits: ValidationLimits(), clock: ContinuousClock()), checksFreshness: false)
            switch try? await checker.status(RevocationQuery(certificate: subject, issuer: issuer, role: .signer, controlTime: nil)) {
            case .good?, .revoked?: return true
            case .unknown?, .unavailable?, nil: return false
            }
        }
        for subject in certificates where !isSelfSigned(subject) {
            let issuer = certificates.first { $0 != subject && subject.isIssued(by: $0) }
            let locations = RevocationChecker.locations(of: subject)
            if let issuer, let ocsp = locations.ocsp,
               let certID = try? OCSPCertID(hashAlgorithm: .sha1, issuer: issuer, serialNumber: subject.serialNumber),
               // With a nonce: the responder signs a new answer, issued after the signature timestamp, which is what
               // the validator needs to count it for the signer once the answer's nextUpdate has passed.
               let request = try? OCSPRequest.encode(certIDs: [certID], nonce: RevocationChecker.nonce()),
               let response = await source.ocspResponse(url: ocsp, request: request),
               await answers(EmbeddedRevocationData(ocspResponses: [response]), subject, issuer) {
                if !ocsps.contains(response) { ocsps.append(response) }
                continue
            }
            var answered = false
            for url in locations.crls {
                guard let crl = await source.crl(url: url) else { continue }
                if let issuer {
                    answered = await answers(EmbeddedRevocationData(crls: [crl]), subject, issuer)
                } else {
                    answered = (try? CertificateRevocationList(derEncoded: crl))?.issuer == subject.issuer
                }
                if answered {
                    if !crls.contains(crl) { crls.append(crl) }
                    break
                }
            }
            guard answered else {
                let name = CMSSignatureValidator.attribute(.NameAttributes.commonName, of: subject) ?? "\(subject.subject)"
                throw SigningError(.timestampUnavailable,
                                   "no revocation data could be fetched for the certificate \(name); level b-lt needs it for every certificate of the signer's and the timestamp authority's chains. Try again later, or sign at level b-t")
            }
        }
        return (ocsps, crls)
    }

    /// A self-signed certificate: a trust anchor, whose status no one else vouches for.
    static func isSelfSigned(_ certificate: Certificate) -> Bool { certificate.isSelfSigned }
}
