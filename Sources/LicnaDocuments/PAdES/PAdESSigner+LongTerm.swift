import Foundation
import LicnaPKI
import X509

extension PAdESSigner {
    /// B-LT (ETSI EN 319 142-1 §5.4.2): a further incremental update whose DSS holds the certificates of the
    /// signer, its chain and the TSA, and the OCSP responses and CRLs that show their status now.
    func addValidationData(to signed: [UInt8], signatureCMS: [UInt8], source: (any RevocationSource)?) async throws -> [UInt8] {
        guard let source else {
            throw SigningError(.timestampUnavailable, "level b-lt needs to fetch revocation data; it cannot be made offline")
        }
        var certificates = [certificate] + chain
        if let signerInfo = try? CMSSignedData(contentInfoDER: signatureCMS).signerInfos.first,
           let token = CMSSignatureValidator.signatureTimestamp(in: signerInfo),
           let tokenData = try? CMSSignedData(contentInfoDER: token) {
            certificates += tokenData.certificates
        }
        var ocsps: [[UInt8]] = []
        var crls: [[UInt8]] = []
        for (index, subject) in certificates.enumerated() {
            guard let issuer = certificates.first(where: { $0.subject == subject.issuer && $0 != subject }) ?? (index == 0 ? chain.first : nil) else { continue }
            let locations = RevocationChecker.locations(of: subject)
            if let ocsp = locations.ocsp, let certID = try? OCSPCertID(hashAlgorithm: .sha1, issuer: issuer, serialNumber: subject.serialNumber),
               let request = try? OCSPRequest.encode(certIDs: [certID]), let response = await source.ocspResponse(url: ocsp, request: request) {
                ocsps.append(response)
                continue
            }
            for url in locations.crls {
                if let crl = await source.crl(url: url) {
                    if !crls.contains(crl) { crls.append(crl) }
                    break
                }
            }
        }
        guard !ocsps.isEmpty || !crls.isEmpty else {
            throw SigningError(.timestampUnavailable, "no revocation data could be fetched for the signer's certificate; try again later")
        }
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
        var unique: [Certificate] = []
        for certificate in certificates where !unique.contains(certificate) { unique.append(certificate) }
        let certificateStreams = streams(try unique.map { try DEREncoding.encode($0) })
        let ocspStreams = streams(ocsps)
        let crlStreams = streams(crls)
        var dss = PDFDictionary()
        dss["Certs"] = .array(certificateStreams)
        if !ocspStreams.isEmpty { dss["OCSPs"] = .array(ocspStreams) }
        if !crlStreams.isEmpty { dss["CRLs"] = .array(crlStreams) }
        let dssReference = update.allocate()
        update.set(dssReference, .dictionary(dss))
        catalog["DSS"] = .reference(dssReference)
        update.set(catalogReference, .dictionary(catalog))
        return try update.write().bytes
    }
}
