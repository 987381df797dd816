import Foundation
import LicnaPKI
import X509

/// Passive authentication of an eMRTD (ICAO 9303-11 §5.1; EF.SOD per ICAO 9303-10 §4.6.2):
/// 1. verify the SignedData signature and its message-digest attribute with the Document Signer certificate
///    (`CMSSignedDataVerifier`, RFC 5652 §5.6);
/// 2. check that the Document Signer chains to one of the trusted CSCA certificates: issuer name, the CSCA's
///    signature on the DS certificate, and both certificates valid at `validationTime` (revocation through the
///    CSCA's CRL is the caller's business and not checked here);
/// 3. hash every data group read with the security object's algorithm and compare with the recorded hash.
///
/// It never throws: every problem is a reason in the report.
public struct PassiveAuthentication: Sendable {
    /// The country signing CA certificates trusted.
    public var trustedCSCAs: [Certificate]
    /// The time at which the certificates must be valid.
    public var validationTime: Date

    /// Checks against `trustedCSCAs` at `validationTime` (the caller's clock, or a time asked about).
    public init(trustedCSCAs: [Certificate], validationTime: Date) {
        self.trustedCSCAs = trustedCSCAs
        self.validationTime = validationTime
    }

    /// Checks `sod` (EF.SOD bytes, `77` included) against `dataGroups` (number → whole file as read) and notes the
    /// data groups in `unreadable` (numbers the card refused).
    public func verify(sod: [UInt8], dataGroups: [Int: [UInt8]], unreadable: Set<Int> = []) -> PassiveAuthenticationReport {
        var report = PassiveAuthenticationReport()
        let object: DocumentSecurityObject
        do {
            object = try DocumentSecurityObject(efSOD: sod)
        } catch {
            report.failures.append("EF.SOD cannot be parsed: \(error)")
            report.dataGroups = dataGroups.keys.sorted().map { .init(number: $0, status: .notInSecurityObject) }
            return report
        }
        report.securityObject = object.securityObject
        verifySignature(object, into: &report)
        compareHashes(object.securityObject, dataGroups, into: &report)
        let recorded = Set(object.securityObject.dataGroupHashes.map(\.number))
        report.unreadableDataGroups = recorded.intersection(unreadable).sorted()
        report.dataGroupsNotRead = recorded.subtracting(dataGroups.keys).sorted()
        return report
    }

    /// As `verify(sod:dataGroups:unreadable:)` for what `EMRTDReader.readAll()` returned.
    public func verify(_ read: EMRTDReadResult) -> PassiveAuthenticationReport {
        guard let sod = read.sod else {
            var report = PassiveAuthenticationReport()
            report.failures.append("EF.SOD was not read: \(read.failures[.sod].map { "\($0)" } ?? "absent")")
            return report
        }
        return verify(sod: sod, dataGroups: read.dataGroups, unreadable: Set(read.unreadableDataGroups.keys))
    }

    private func verifySignature(_ object: DocumentSecurityObject, into report: inout PassiveAuthenticationReport) {
        let signer: Certificate
        do {
            let result = try CMSSignedDataVerifier().verify(object.signedData)
            guard result.signers.count == 1 else {
                report.failures.append("EF.SOD has \(result.signers.count) signers; ICAO 9303-10 §4.6.2.2 allows one")
                return
            }
            signer = result.signers[0].certificate
            report.signatureVerified = true
        } catch {
            report.failures.append("the EF.SOD signature does not verify: \(error)")
            return
        }
        report.documentSigner = signer
        if let failure = Self.validity(of: signer, at: validationTime, name: "Document Signer") {
            report.failures.append(failure)
        }
        let issuers = trustedCSCAs.filter { $0.subject == signer.issuer }
        guard !issuers.isEmpty else {
            report.failures.append("the Document Signer's issuer (\(signer.issuer)) is none of the trusted CSCAs")
            return
        }
        guard let csca = issuers.first(where: { $0.publicKey.isValidSignature(signer.signature, for: signer) }) else {
            report.failures.append("the Document Signer certificate's signature does not verify with the trusted CSCA named \(signer.issuer)")
            return
        }
        if let failure = Self.validity(of: csca, at: validationTime, name: "CSCA") {
            report.failures.append(failure)
            return
        }
        report.csca = csca
        report.chainVerified = true
    }

    private func compareHashes(_ object: LDSSecurityObject, _ dataGroups: [Int: [UInt8]], into report: inout PassiveAuthenticationReport) {
        guard let algorithm = object.digestAlgorithm else {
            report.failures.append("the security object's hash algorithm \(object.hashAlgorithm.algorithm) is not supported")
            return
        }
        for number in dataGroups.keys.sorted() {
            guard let recorded = object.hash(ofDataGroup: number) else {
                report.dataGroups.append(.init(number: number, status: .notInSecurityObject))
                report.failures.append("DG\(number) was read but EF.SOD records no hash for it")
                continue
            }
            if algorithm.hash(dataGroups[number] ?? []) == recorded {
                report.dataGroups.append(.init(number: number, status: .matched))
            } else {
                report.dataGroups.append(.init(number: number, status: .mismatched))
                report.failures.append("DG\(number) does not match its hash in EF.SOD: the data group was altered")
            }
        }
    }

    static func validity(of certificate: Certificate, at time: Date, name: String) -> String? {
        if time < certificate.notValidBefore { return "the \(name) certificate is not valid until \(certificate.notValidBefore)" }
        if time > certificate.notValidAfter { return "the \(name) certificate expired on \(certificate.notValidAfter)" }
        return nil
    }
}
