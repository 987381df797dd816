import Foundation
import LicnaPKI
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

/// Validates one CMS signature (CAdES, or the CMS inside a PAdES signature) as ETSI EN 319 102-1 §5 describes,
/// simplified to what Licna's policy needs: format and cryptographic checks, the signature timestamp as proof of
/// time (its TSA's chain and revocation checked like the signer's), a chain to a trust anchor, revocation of every
/// certificate in the chain, and the qualification.
public struct CMSSignatureValidator: Sendable {
    public var policy: ValidationPolicy

    public init(policy: ValidationPolicy) {
        self.policy = policy
    }

    public func validate(contentInfoDER: [UInt8], content: CMSSignedDataVerifier.DetachedContent,
                         embedded: EmbeddedRevocationData = .init(), claimedSigningTime: Date? = nil,
                         format: String) async -> SignatureValidationReport {
        // 1. Format and cryptography (EN 319 102-1 §5.2.7, §5.2.8).
        let signedData: CMSSignedData
        do { signedData = try CMSSignedData(contentInfoDER: contentInfoDER) } catch {
            return failed(.totalFailed, .formatFailure, "the signature is not a CMS SignedData: \(error)")
        }
        let verified: CMSVerifiedSigner
        do {
            let result = try CMSSignedDataVerifier(additionalCertificates: embedded.certificates).verify(signedData, detachedContent: content)
            guard result.signers.count == 1, let signer = result.signers.first else {
                return failed(.totalFailed, .formatFailure, "the signature must have exactly one signer")
            }
            verified = signer
        } catch let error as PKIError {
            switch error.code {
            case .signerNotFound: return failed(.indeterminate, .noSigningCertificateFound, "the signer's certificate is not in the signature")
            case .digestMismatch: return failed(.totalFailed, .hashFailure, "the signed data has changed since it was signed")
            case .badSignature: return failed(.totalFailed, .signatureCryptoFailure, "the signature value does not verify with the signer's key")
            default: return failed(.totalFailed, .formatFailure, "the signature is malformed: \(error.detail)")
            }
        } catch {
            return failed(.totalFailed, .formatFailure, "the signature is malformed: \(error)")
        }
        let signer = verified.certificate
        var report = SignatureValidationReport(indication: .indeterminate)
        report.signerName = Self.attribute(.NameAttributes.commonName, of: signer)
        report.signerIdentifier = Self.attribute(.NameAttributes.serialNumber, of: signer)
        report.signerCertificateSerial = signer.serialNumber.hex
        report.issuer = Self.attribute(.NameAttributes.commonName, ofName: signer.issuer)
        report.claimedSigningTime = claimedSigningTime ?? verified.signingTime
        var level = "B-B"
        if !verified.hasSigningCertificateV2 && !verified.hasSigningCertificate {
            report.findings.append("the signing certificate is not protected by a signed attribute (signing-certificate-v2)")
            level = "not baseline"
        }

        // 2. The signature timestamp proves the time (EN 319 102-1 §5.4) when its TSA certificate chains to a trust
        // anchor and neither it nor a CA above it is revoked; revocation data comes from where the signer's does.
        // A timestamp that fails either proves nothing: the signature is judged without proof of existence.
        let pool = signedData.certificates + embedded.certificates
        let checker = RevocationChecker(embedded: embedded, source: policy.revocationSource)
        if let token = Self.signatureTimestamp(in: verified.signerInfo) {
            do {
                let stamp = try TimeStampToken(tokenDER: token).verify(digest: verified.digestAlgorithm.hash(verified.signerInfo.signature),
                                                                        algorithm: verified.digestAlgorithm, additionalCertificates: pool)
                if let tsaPath = await chain(for: stamp.tsaCertificate, at: stamp.genTime, pool: pool + stamp.cms.certificates, usage: .timeStamping) {
                    if let problem = await revocationProblem(of: tsaPath, checker: checker) {
                        report.findings.append("\(problem); the signature timestamp's time is not taken as proof")
                    } else {
                        report.provenSigningTime = stamp.genTime
                        level = "B-T"
                    }
                } else {
                    report.findings.append("the signature timestamp's authority does not chain to a trust anchor; its time is not taken as proof")
                }
            } catch {
                report.findings.append("the signature timestamp does not verify: \(error)")
            }
        }
        if !embedded.ocspResponses.isEmpty || !embedded.crls.isEmpty, level == "B-T" { level = "B-LT" }
        report.format = "\(format)-\(level)"

        // 3. Validity and the chain (EN 319 102-1 §5.2.6, X.509 validation).
        if let claimed = report.claimedSigningTime ?? report.provenSigningTime, claimed < signer.notValidBefore {
            return finish(report, .totalFailed, .notYetValid, "the certificate was not yet valid when the signature was made")
        }
        let time = report.provenSigningTime ?? policy.now
        var path = await chain(for: signer, at: policy.now, pool: pool)
        if path == nil, let proven = report.provenSigningTime {
            path = await chain(for: signer, at: proven, pool: pool)
        }
        guard let path else {
            if policy.now > signer.notValidAfter, report.provenSigningTime == nil,
               await chain(for: signer, at: signer.notValidBefore + (signer.notValidAfter.timeIntervalSince(signer.notValidBefore)) / 2, pool: pool) != nil {
                return finish(report, .indeterminate, .outOfBoundsNoPOE, "the certificate has expired and no timestamp proves the signature was made before")
            }
            return finish(report, .indeterminate, .noCertificateChainFound, "the certificate does not chain to a trusted root")
        }

        // 4. Revocation of every certificate below the anchor (EN 319 102-1 §5.2.6.4; the policy: no data, no pass).
        for index in 0..<(path.count - 1) {
            let certificate = path[index]
            let issuer = path[index + 1]
            let whose = index == 0 ? "the signer's certificate" : "the CA certificate \(Self.attribute(.NameAttributes.commonName, of: certificate) ?? "")"
            switch await checker.status(of: certificate, issuer: issuer) {
            case .good:
                if index == 0 { report.certificateStatus = "good" }
            case .revoked(let revokedAt, let reason):
                if index == 0 {
                    report.certificateStatus = "revoked on \(ISO8601DateFormatter().string(from: revokedAt))" + (reason.map { " (\($0))" } ?? "")
                }
                if let proven = report.provenSigningTime {
                    if revokedAt <= proven {
                        return finish(report, .totalFailed, .revoked, "\(whose) was revoked before the time the timestamp proves")
                    }
                } else {
                    return finish(report, .indeterminate, .revokedNoPOE, "\(whose) is revoked and no timestamp proves the signature was made before")
                }
            case .unknown:
                if index == 0 { report.certificateStatus = "unknown" }
                return finish(report, .indeterminate, .tryLater, "the revocation service does not know \(whose)")
            case .unavailable:
                if index == 0 { report.certificateStatus = "no revocation data" }
                let hint = policy.revocationSource == nil ? " (validated offline)" : ""
                return finish(report, .indeterminate, .tryLater, "no revocation data for \(whose)\(hint)")
            }
        }
        _ = time

        // 5. Passed: the qualification (EN 319 412-5 QCStatements, the configured trusted list).
        report.indication = .totalPassed
        report.qualification = qualification(of: signer, issuer: path.count > 1 ? path[1] : nil)
        return report
    }

    /// Why the timestamp authority's chain (TSA certificate first) cannot be relied on, or nil when every
    /// certificate below the anchor has revocation data that says good. A TSA certificate revoked at any time is not
    /// relied on: nothing proves the token was made before the revocation.
    private func revocationProblem(of path: [Certificate], checker: RevocationChecker) async -> String? {
        for index in 0..<max(path.count - 1, 0) {
            let whose = index == 0 ? "the timestamp authority's certificate"
                : "the CA certificate \(Self.attribute(.NameAttributes.commonName, of: path[index]) ?? "") above the timestamp authority"
            switch await checker.status(of: path[index], issuer: path[index + 1]) {
            case .good: continue
            case .revoked(let revokedAt, let reason):
                return "\(whose) was revoked on \(ISO8601DateFormatter().string(from: revokedAt))" + (reason.map { " (\($0))" } ?? "")
            case .unknown: return "the revocation service does not know \(whose)"
            case .unavailable:
                return "no revocation data for \(whose)" + (policy.revocationSource == nil ? " (validated offline)" : "")
            }
        }
        return nil
    }

    private func qualification(of certificate: Certificate, issuer: Certificate?) -> SignatureQualification {
        guard let value = certificate.extensions[oid: .PKIXExtensions.qcStatements]?.value,
              let statements = try? QCStatements(extensionValue: value), statements.compliance else { return .advanced }
        let listed = issuer.map { issuer in policy.trustedListIssuers.contains { $0.publicKey == issuer.publicKey && $0.subject == issuer.subject } } ?? false
        return listed && statements.keyOnQSCD ? .qualified : .advancedWithQualifiedCertificate
    }

    /// A chain from `leaf` to a trust anchor valid at `time`, leaf first, or nil.
    private func chain(for leaf: Certificate, at time: Date, pool: [Certificate],
                       usage: ExtendedKeyUsage.Usage? = nil) async -> [Certificate]? {
        var verifier = Verifier(rootCertificates: CertificateStore(policy.trustAnchors)) {
            RFC5280Policy(fixedExpiryValidationTime: time)
            ExtendedKeyUsagePolicy(required: usage)
        }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(pool)) {
        case .validCertificate(let chain): return Array(chain)
        case .couldNotValidate: return nil
        }
    }

    static func signatureTimestamp(in signerInfo: CMSSignerInfo) -> [UInt8]? {
        guard let attribute = signerInfo.unsignedAttributes?.first(where: { $0.type == .CMS.timeStampTokenAttribute }),
              let value = attribute.values.first else { return nil }
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(value)) != nil else { return nil }
        return serializer.serializedBytes
    }

    static func attribute(_ type: ASN1ObjectIdentifier, of certificate: Certificate) -> String? {
        attribute(type, ofName: certificate.subject)
    }

    static func attribute(_ type: ASN1ObjectIdentifier, ofName name: DistinguishedName) -> String? {
        for rdn in name {
            for attribute in rdn where attribute.type == type {
                if let text = String(attribute.value) { return text }
            }
        }
        return nil
    }

    private func failed(_ indication: ValidationIndication, _ subIndication: ValidationSubIndication, _ finding: String) -> SignatureValidationReport {
        var report = SignatureValidationReport(indication: indication, subIndication: subIndication)
        report.findings.append(finding)
        return report
    }

    private func finish(_ report: SignatureValidationReport, _ indication: ValidationIndication,
                        _ subIndication: ValidationSubIndication, _ finding: String) -> SignatureValidationReport {
        var report = report
        report.indication = indication
        report.subIndication = subIndication
        report.qualification = .notAdvanced
        report.findings.append(finding)
        return report
    }
}
