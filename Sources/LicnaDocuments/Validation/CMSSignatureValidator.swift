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
    /// The most DER elements a signature's CMS may have (a signature with a chain, a timestamp and its chain has a
    /// few hundred).
    public static let maximumElements = 100_000

    public init(policy: ValidationPolicy) {
        self.policy = policy
    }

    /// Validates one signature with a budget of its own (`policy.limits`); the report carries the counters.
    public func validate(contentInfoDER: [UInt8], content: CMSSignedDataVerifier.DetachedContent,
                         embedded: EmbeddedRevocationData = .init(), claimedSigningTime: Date? = nil,
                         format: String) async -> SignatureValidationReport {
        let budget = policy.makeBudget()
        var report = await validate(contentInfoDER: contentInfoDER, content: content, evidence: RevocationEvidence(embedded),
                                    certificates: embedded.certificates, claimedSigningTime: claimedSigningTime, format: format,
                                    budget: budget)
        report.validationCounters = budget.counters
        return report
    }

    /// Validates one signature of a document whose revocation data (`evidence`, parsed once) and work (`budget`)
    /// its signatures share. A limit reached gives INDETERMINATE with a note naming it.
    func validate(contentInfoDER: [UInt8], content: CMSSignedDataVerifier.DetachedContent, evidence: RevocationEvidence,
                  certificates: [Certificate], claimedSigningTime: Date?, format: String,
                  budget: ValidationBudget) async -> SignatureValidationReport {
        var report = SignatureValidationReport(indication: .indeterminate)
        do {
            try await evaluate(into: &report, contentInfoDER: contentInfoDER, content: content, evidence: evidence,
                               certificates: certificates, claimedSigningTime: claimedSigningTime, format: format, budget: budget)
        } catch let limit as ValidationLimitExceeded {
            report.indication = .indeterminate
            report.subIndication = nil
            report.qualification = .notAdvanced
            report.findings.append(limit.finding)
        } catch {
            report = failed(.indeterminate, .formatFailure, ValidationFinding(.validationError, ["detail": "\(error)"]))
        }
        return report
    }

    private func evaluate(into report: inout SignatureValidationReport, contentInfoDER: [UInt8], content: CMSSignedDataVerifier.DetachedContent,
                          evidence: RevocationEvidence, certificates: [Certificate], claimedSigningTime: Date?, format: String,
                          budget: ValidationBudget) async throws {
        // 1. Format and cryptography (EN 319 102-1 §5.2.7, §5.2.8). A CMS structure of more elements than any real
        // signature (with its certificates and timestamp) has is refused before the parser builds them all.
        guard DERElementCounter.count(contentInfoDER, limit: Self.maximumElements) != nil else {
            report = failed(.totalFailed, .formatFailure,
                            ValidationFinding(.cmsTooManyElements, ["maximum": "\(Self.maximumElements)"]))
            return
        }
        let signedData: CMSSignedData
        do { signedData = try CMSSignedData(contentInfoDER: contentInfoDER) } catch {
            report = failed(.totalFailed, .formatFailure, ValidationFinding(.cmsMalformed, ["detail": "\(error)"]))
            return
        }
        let verified: CMSVerifiedSigner
        do {
            try budget.chargeVerification()
            let result = try CMSSignedDataVerifier(additionalCertificates: certificates).verify(signedData, detachedContent: content)
            guard result.signers.count == 1, let signer = result.signers.first else {
                report = failed(.totalFailed, .formatFailure, ValidationFinding(.signerCount))
                return
            }
            verified = signer
        } catch let error as PKIError {
            switch error.code {
            case .signerNotFound: report = failed(.indeterminate, .noSigningCertificateFound, ValidationFinding(.signingCertificateNotFound))
            case .digestMismatch: report = failed(.totalFailed, .hashFailure, ValidationFinding(.signedDataChanged))
            case .badSignature: report = failed(.totalFailed, .signatureCryptoFailure, ValidationFinding(.signatureValueInvalid))
            default: report = failed(.totalFailed, .formatFailure, ValidationFinding(.signatureMalformed, ["detail": error.detail]))
            }
            return
        } catch let limit as ValidationLimitExceeded {
            throw limit
        } catch {
            report = failed(.totalFailed, .formatFailure, ValidationFinding(.signatureMalformed, ["detail": "\(error)"]))
            return
        }
        let signer = verified.certificate
        report.signerName = Self.attribute(.NameAttributes.commonName, of: signer)
        report.signerIdentifier = Self.attribute(.NameAttributes.serialNumber, of: signer)
        report.signerCertificateSerial = signer.serialNumber.hex
        report.issuer = Self.attribute(.NameAttributes.commonName, ofName: signer.issuer)
        report.claimedSigningTime = claimedSigningTime ?? verified.signingTime
        var level = "B-B"
        if !verified.hasSigningCertificateV2 && !verified.hasSigningCertificate {
            report.findings.append(ValidationFinding(.signingCertificateUnprotected))
            level = "not baseline"
        }

        // 2. The signature timestamp proves the time (EN 319 102-1 §5.4) when its TSA certificate chains to a trust
        // anchor and neither it nor a CA above it is revoked; revocation data comes from where the signer's does and
        // must be fresh for the timestamp's genTime (the TSA's control time). A timestamp that fails either proves
        // nothing: the signature is judged without proof of existence.
        let pool = signedData.certificates + certificates
        let checker = RevocationChecker(evidence: evidence, source: policy.revocationSource, now: policy.now,
                                        maximumAge: policy.maximumRevocationAge, tolerance: policy.revocationTimeTolerance, budget: budget)
        if let token = Self.signatureTimestamp(in: verified.signerInfo) {
            do {
                try budget.chargeVerification()
                let stamp = try TimeStampToken(tokenDER: token).verify(digest: verified.digestAlgorithm.hash(verified.signerInfo.signature),
                                                                        algorithm: verified.digestAlgorithm, additionalCertificates: pool)
                if let tsaPath = try await chain(for: stamp.tsaCertificate, at: stamp.genTime, pool: pool + stamp.cms.certificates,
                                                 usage: .timeStamping, budget: budget) {
                    if let problem = try await revocationProblem(of: tsaPath, at: stamp.genTime, checker: checker) {
                        report.findings.append(problem)
                    } else {
                        report.provenSigningTime = stamp.genTime
                        level = "B-T"
                    }
                } else {
                    report.findings.append(ValidationFinding(.timestampNotTrusted))
                }
            } catch let limit as ValidationLimitExceeded {
                throw limit
            } catch {
                report.findings.append(ValidationFinding(.timestampInvalid, ["detail": "\(error)"]))
            }
        }
        if !evidence.ocspResponses.isEmpty || !evidence.crls.isEmpty, level == "B-T" { level = "B-LT" }
        report.format = "\(format)-\(level)"

        // 3. Validity and the chain (EN 319 102-1 §5.2.6, X.509 validation).
        if let claimed = report.claimedSigningTime ?? report.provenSigningTime, claimed < signer.notValidBefore {
            report = finish(report, .totalFailed, .notYetValid, ValidationFinding(.certificateNotYetValid))
            return
        }
        var path = try await chain(for: signer, at: policy.now, pool: pool, budget: budget)
        if path == nil, let proven = report.provenSigningTime {
            path = try await chain(for: signer, at: proven, pool: pool, budget: budget)
        }
        guard let path else {
            if policy.now > signer.notValidAfter, report.provenSigningTime == nil,
               try await chain(for: signer, at: signer.notValidBefore + (signer.notValidAfter.timeIntervalSince(signer.notValidBefore)) / 2,
                               pool: pool, budget: budget) != nil {
                report = finish(report, .indeterminate, .outOfBoundsNoPOE, ValidationFinding(.certificateExpiredNoProof))
                return
            }
            report = finish(report, .indeterminate, .noCertificateChainFound, ValidationFinding(.noCertificateChain))
            return
        }

        // 4. Revocation of every certificate below the anchor (EN 319 102-1 §5.2.6.4; the policy: no usable data, no
        // pass). The control time is the time the timestamp proves; without one, the data must be current now.
        for index in 0..<(path.count - 1) {
            let certificate = path[index]
            let whose = index == 0 ? ["certificate": "signer"]
                : ["certificate": "ca", "name": Self.attribute(.NameAttributes.commonName, of: certificate) ?? ""]
            let query = RevocationQuery(certificate: certificate, issuer: path[index + 1], role: index == 0 ? .signer : .certificationAuthority,
                                        controlTime: report.provenSigningTime)
            switch try await checker.status(query) {
            case .good:
                if index == 0 { report.certificateStatus = .good }
            case .revoked(let revokedAt, let reason):
                if index == 0 {
                    report.certificateStatus = .revoked
                    report.certificateRevocationTime = revokedAt
                    report.certificateRevocationReason = reason
                }
                if let proven = report.provenSigningTime {
                    if revokedAt <= proven {
                        report = finish(report, .totalFailed, .revoked, ValidationFinding(.certificateRevokedBeforeProvenTime, whose))
                        return
                    }
                } else {
                    report = finish(report, .indeterminate, .revokedNoPOE, ValidationFinding(.certificateRevokedNoProof, whose))
                    return
                }
            case .unknown:
                if index == 0 { report.certificateStatus = .unknown }
                report = finish(report, .indeterminate, .tryLater, ValidationFinding(.certificateStatusUnknown, whose))
                return
            case .unavailable(let gap):
                if index == 0 { report.certificateStatus = .noRevocationData }
                report = finish(report, .indeterminate, .tryLater, ValidationFinding(.noRevocationData, whose.merging(describe(gap)) { $1 }))
                return
            }
        }

        // 5. Passed: the qualification (EN 319 412-5 QCStatements, the configured trusted list).
        report.indication = .totalPassed
        report.qualification = qualification(of: signer, issuer: path.count > 1 ? path[1] : nil)
    }

    /// The arguments that say why no revocation data counted: `gap` (absent when none was found) and `offline`
    /// (`true` when nothing could be fetched).
    private func describe(_ gap: RevocationGap) -> [String: String] {
        var arguments: [String: String] = [:]
        arguments["gap"] = gap.code
        if policy.revocationSource == nil { arguments["offline"] = "true" }
        return arguments
    }

    /// The finding that says why the timestamp authority's chain (TSA certificate first) cannot be relied on, or nil
    /// when every certificate below the anchor has revocation data that says good, fresh for the timestamp's time
    /// (`genTime`). A TSA certificate revoked at any time is not relied on: nothing proves the token was made
    /// before the revocation.
    private func revocationProblem(of path: [Certificate], at genTime: Date, checker: RevocationChecker) async throws -> ValidationFinding? {
        for index in 0..<max(path.count - 1, 0) {
            let whose = index == 0 ? ["certificate": "timestamp-authority"]
                : ["certificate": "ca-above-timestamp-authority", "name": Self.attribute(.NameAttributes.commonName, of: path[index]) ?? ""]
            let query = RevocationQuery(certificate: path[index], issuer: path[index + 1],
                                        role: index == 0 ? .timestampAuthority : .certificationAuthority, controlTime: genTime)
            switch try await checker.status(query) {
            case .good: continue
            case .revoked(let revokedAt, let reason):
                var arguments = whose
                arguments["time"] = ISO8601DateFormatter().string(from: revokedAt)
                arguments["reason"] = reason
                return ValidationFinding(.timestampCertificateRevoked, arguments)
            case .unknown: return ValidationFinding(.timestampCertificateStatusUnknown, whose)
            case .unavailable(let gap): return ValidationFinding(.timestampNoRevocationData, whose.merging(describe(gap)) { $1 })
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

    /// A chain from `leaf` to a trust anchor valid at `time`, leaf first, or nil. Charged to the budget: one
    /// verification for the attempt and one for each further link of the chain found.
    private func chain(for leaf: Certificate, at time: Date, pool: [Certificate], usage: ExtendedKeyUsage.Usage? = nil,
                       budget: ValidationBudget) async throws -> [Certificate]? {
        try budget.chargeVerification()
        var verifier = Verifier(rootCertificates: CertificateStore(policy.trustAnchors)) {
            RFC5280Policy(fixedExpiryValidationTime: time)
            ExtendedKeyUsagePolicy(required: usage)
        }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(pool)) {
        case .validCertificate(let chain):
            for _ in 1..<max(chain.count - 1, 1) { try budget.chargeVerification() }
            return Array(chain)
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

    private func failed(_ indication: ValidationIndication, _ subIndication: ValidationSubIndication,
                        _ finding: ValidationFinding) -> SignatureValidationReport {
        var report = SignatureValidationReport(indication: indication, subIndication: subIndication)
        report.findings.append(finding)
        return report
    }

    private func finish(_ report: SignatureValidationReport, _ indication: ValidationIndication,
                        _ subIndication: ValidationSubIndication, _ finding: ValidationFinding) -> SignatureValidationReport {
        var report = report
        report.indication = indication
        report.subIndication = subIndication
        report.qualification = .notAdvanced
        report.findings.append(finding)
        return report
    }
}
