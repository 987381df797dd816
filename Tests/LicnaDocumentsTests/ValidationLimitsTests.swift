import Crypto
import Foundation
@_spi(Benchmarks) @testable import LicnaDocuments
import LicnaPKI
import LicnaTestSupport
import Testing
import X509

/// Hostile files against the validation limits (README, "Validation policy"; docs/threat_model.md): each ends in
/// a report whose note names the limit reached, with the validator's own counters showing the work stayed bounded.
@Suite(.serialized) struct ValidationLimitsTests {
    static let mebibyte = 1024 * 1024
    let pki: PAdESTestPKI
    let signed: [UInt8]

    init() async throws {
        pki = try PAdESTestPKI()
        signed = try await PAdESSigner(certificate: pki.signer, chain: [pki.root.certificate]).sign(
            PDFFixtures.classic(), with: SoftwareSignatureProducer(privateKey: pki.signerKey), signingTime: Date())
    }

    func validate(_ pdf: [UInt8], limits: ValidationLimits = ValidationLimits(),
                  clock: any Clock<Duration> = ContinuousClock()) async throws -> SignatureValidationReport {
        let policy = ValidationPolicy(trustAnchors: [pki.root.certificate], revocationSource: StaticRevocationSource(crl: try pki.crl()),
                                      now: Date(), clock: clock, limits: limits)
        let reports = try await PDFSignatureValidator(policy: policy).validate(pdf)
        #expect(reports.count == 1)
        return try #require(reports.first)
    }

    @Test func theSameZipBombNamedTwoThousandTimesIsRefusedByTheEntryLimitAndDecodedOnceBelowIt() async throws {
        let bomb = try HostileDocuments.zeros(64 * Self.mebibyte, rounds: 1)
        let hostile = try HostileDocuments.appendingDSS(to: signed, encodedStreams: [bomb], rounds: 1,
                                                        ocspReferences: Array(repeating: 0, count: 2_000))
        #expect(hostile.count < 200_000)
        let report = try await validate(hostile)
        #expect(report.indication == .indeterminate)
        #expect(report.findings.contains(ValidationFinding(.validationLimitReached, ["limit": "dssEntries", "value": "1000"])),
                "\(report.findings)")
        let counters = try #require(report.validationCounters)
        #expect(counters.limitReached == .dssEntries && counters.dssEntries == 2_000)
        #expect(counters.decodedBytes == 0 && counters.signatureVerifications == 0, "\(counters)")

        // Allowed that many entries, the stream is decoded once (2,000 times would be 125 GiB), dropped as junk, and
        // the signature is judged on its own merits.
        let allowed = try await validate(hostile, limits: ValidationLimits(maximumDSSEntries: 5_000))
        #expect(allowed.indication == .totalPassed, "\(allowed.findings)")
        let work = try #require(allowed.validationCounters)
        #expect(work.limitReached == nil)
        #expect(work.decodedBytes == 64 * Self.mebibyte, "\(work)")
    }

    @Test func fourHundredDistinctZipBombsStopAtTheDecodedBytesLimit() async throws {
        let bomb = try HostileDocuments.zeros(64 * Self.mebibyte, rounds: 2)
        let hostile = try HostileDocuments.appendingDSS(to: signed, encodedStreams: Array(repeating: bomb, count: 400), rounds: 2,
                                                        ocspReferences: Array(0..<400))
        #expect(hostile.count < 400_000)
        let report = try await validate(hostile)
        #expect(report.indication == .indeterminate)
        #expect(report.findings.contains(ValidationFinding(.validationLimitReached, ["limit": "decodedBytes", "value": "128 MiB"])),
                "\(report.findings)")
        let counters = try #require(report.validationCounters)
        #expect(counters.limitReached == .decodedBytes)
        #expect(counters.decodedBytes <= 128 * Self.mebibyte + Self.mebibyte && counters.decodedBytes >= 128 * Self.mebibyte, "\(counters)")
        #expect(counters.signatureVerifications == 0)

        // A lower limit (`--validation-max-decoded-mib`) is named as configured.
        let low = try await validate(hostile, limits: ValidationLimits(maximumDecodedBytes: 16 * Self.mebibyte))
        #expect(low.findings.contains(ValidationFinding(.validationLimitReached, ["limit": "decodedBytes", "value": "16 MiB"])), "\(low.findings)")
        #expect((low.validationCounters?.decodedBytes ?? .max) <= 16 * Self.mebibyte)
    }

    /// OCSP responses that name the signer's certificate but were signed by another key: each costs a signature
    /// check to reject.
    func junkResponses(_ count: Int) throws -> [[UInt8]] {
        let strangerKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let stranger = try CertificateIssuer().issue(
            profile: .rootCA, subject: pki.root.certificate.subject, publicKey: strangerKey.publicKey, serialNumber: CertificateSerialNumberGenerator().next(),
            notBefore: Date() - 3_600, notAfter: Date() + 3_600, authority: nil, selfSigningKey: strangerKey,
            options: .init(locations: .init(ocsp: nil, caIssuers: nil, crl: nil), maxPathLength: 0))
        let certID = try OCSPCertID(hashAlgorithm: .sha1, issuer: pki.root.certificate, serialNumber: pki.signer.serialNumber)
        let template = try OCSPResponseBuilder(responder: SigningAuthority(certificate: stranger, privateKey: strangerKey)).build(
            answers: [OCSPSingleAnswer(certID: certID, status: .good, thisUpdate: Date(), nextUpdate: Date() + 3_600)],
            producedAt: Date(), nonceExtension: nil)
        let signature = try OCSPResponse(derEncoded: template).signature
        let end = try #require(PAdESSigner.find(signature, in: template, from: 0)) + signature.count
        return (0..<count).map { index in
            var junk = template
            junk[end - 1] = UInt8(index & 0xFF)
            junk[end - 2] = UInt8(index >> 8 & 0xFF)
            return junk
        }
    }

    @Test func twentyThousandJunkEntriesStopAtTheEntryLimitOrTheVerificationLimit() async throws {
        let junk = try junkResponses(20_000)
        let hostile = try HostileDocuments.appendingDSS(to: signed, encodedStreams: junk, rounds: 0, ocspReferences: Array(0..<20_000))
        let report = try await validate(hostile)
        #expect(report.indication == .indeterminate)
        #expect(report.findings.contains(ValidationFinding(.validationLimitReached, ["limit": "dssEntries", "value": "1000"])),
                "\(report.findings)")
        #expect(report.validationCounters?.signatureVerifications == 0 && report.validationCounters?.decodedBytes == 0)

        // Allowed that many entries, each junk answer costs one check, and the checks stop at their limit.
        let checked = try await validate(hostile, limits: ValidationLimits(maximumDSSEntries: 25_000))
        #expect(checked.indication == .indeterminate)
        #expect(checked.findings.contains(ValidationFinding(.validationLimitReached, ["limit": "signatureVerifications", "value": "2000"])),
                "\(checked.findings)")
        let counters = try #require(checked.validationCounters)
        #expect(counters.limitReached == .signatureVerifications && counters.signatureVerifications == 2_001, "\(counters)")
    }

    @Test func aFewJunkEntriesAreCheckedOnceEachAndTheSignatureStillPasses() async throws {
        let junk = try junkResponses(50)
        let hostile = try HostileDocuments.appendingDSS(to: signed, encodedStreams: junk, rounds: 0, ocspReferences: Array(0..<50) + Array(0..<50))
        let report = try await validate(hostile)
        #expect(report.indication == .totalPassed, "\(report.findings)")
        // 50 junk answers (each object once), the CMS signature, the chain, the fetched CRL; nothing twice.
        let verifications = try #require(report.validationCounters?.signatureVerifications)
        #expect(verifications >= 50 && verifications < 60, "\(verifications)")
    }

    @Test func structuralStreamsAreDecodedOnceAcrossTheSignedRevisions() async throws {
        // Cross-reference and object streams: each signature's check of what changed reopens its revision, which
        // reads the same streams of the same file again; they are decoded (and charged) once.
        var pdf = PDFFixtures.withCrossReferenceStream(pageCount: 2)
        for _ in 0..<3 {
            pdf = try await PAdESSigner(certificate: pki.signer, chain: [pki.root.certificate]).sign(
                pdf, with: SoftwareSignatureProducer(privateKey: pki.signerKey), signingTime: Date())
        }
        let policy = ValidationPolicy(trustAnchors: [pki.root.certificate], revocationSource: StaticRevocationSource(crl: try pki.crl()),
                                      now: Date(), clock: ContinuousClock())
        let reports = try await PDFSignatureValidator(policy: policy).validate(pdf)
        #expect(reports.map(\.indication) == [.totalPassed, .totalPassed, .totalPassed], "\(reports.map(\.findings))")
        // Everything the newest revision holds, each stream decoded once.
        var options = PDFFile.Options()
        let budget = policy.makeBudget()
        options.decodingBudget = budget
        let file = try PDFFile(bytes: pdf, options: options)
        for number in file.objectNumbers { _ = try file.object(for: PDFReference(objectNumber: number)) }
        let decoded = try #require(reports.first?.validationCounters?.decodedBytes)
        #expect(decoded > 0 && decoded <= budget.counters.decodedBytes, "\(decoded) > \(budget.counters.decodedBytes)")
    }

    @Test func aDSSEntryOfMillionsOfElementsIsDroppedUnparsed() async throws {
        // 8 MB of empty OCTET STRINGs in one SEQUENCE: valid DER whose parse would build four million nodes.
        var der: [UInt8] = [0x30, 0x83, 0x7A, 0x12, 0x00]  // length 8,000,000
        der.reserveCapacity(8_000_005)
        for _ in 0..<4_000_000 { der += [0x04, 0x00] }
        let hostile = try HostileDocuments.appendingDSS(to: signed, encodedStreams: [try ZlibCompressor.compress(der)], rounds: 1,
                                                        ocspReferences: [0])
        let report = try await validate(hostile)
        #expect(report.indication == .totalPassed, "\(report.findings)")
        #expect(report.validationCounters?.decodedBytes == der.count)
    }

    @Test func theWallTimeLimitReadsTheInjectedClock() async throws {
        let clock = SteppingClock(step: .seconds(1))
        let report = try await validate(signed, limits: ValidationLimits(maximumDuration: .seconds(3)), clock: clock)
        #expect(report.indication == .indeterminate)
        #expect(report.findings.contains(ValidationFinding(.validationLimitReached, ["limit": "duration", "value": "3 s"])), "\(report.findings)")
        #expect(report.validationCounters?.limitReached == .duration)
    }
}

/// A clock that moves `step` forward each time it is read: every unit of work seems to take that long.
final class SteppingClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    let step: Duration
    private let lock = NSLock()
    private var current = Instant(offset: .zero)

    init(step: Duration) { self.step = step }

    var now: Instant {
        lock.withLock {
            current = current.advanced(by: step)
            return current
        }
    }

    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {}
}
