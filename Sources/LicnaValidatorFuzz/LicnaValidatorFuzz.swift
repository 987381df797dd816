import Dispatch
import Foundation
import LicnaDocuments
import LicnaPKI
import X509

/// libFuzzer entry point over the whole signature validator (`PDFSignatureValidator`: bytes in, reports out; ETSI
/// EN 319 102-1), offline, under small `ValidationLimits`. The self-signed certificates of the file's own DSS are
/// taken as trust anchors, so that the fuzzer reaches chain building, revocation and timestamps. Build and run
/// (scripts/fuzz runs every target):
///
///     swift build --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address --product LicnaValidatorFuzz --scratch-path .build-fuzz
///     .build-fuzz/debug/LicnaValidatorFuzz -max_total_time=60 fuzz/corpus/signature-validator
///
/// Besides "no crash, no hang", the resource limits of the hardening (issue 10) hold: no counter passes its limit
/// without the report naming that limit, at most one verification is counted past the limit, a validation
/// stopped by a limit leaves its last signature INDETERMINATE with the limit's finding, and no validation runs
/// longer than its time limit and a grace for the unit of work in progress.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSignatureValidator(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = ValidationLimits(maximumDecodedBytes: 4 * 1024 * 1024, maximumDSSEntries: 64,
                                  maximumSignatureVerifications: 64, maximumDuration: .seconds(5))
    let policy = ValidationPolicy(trustAnchors: selfSignedCertificates(in: bytes), revocationSource: nil,
                                  now: Date(timeIntervalSince1970: 1_796_299_200), clock: ContinuousClock(), limits: limits)
    let outcome = Outcome()
    let finished = DispatchSemaphore(value: 0)
    let start = ContinuousClock.now
    Task {
        outcome.reports = try? await PDFSignatureValidator(policy: policy).validate(bytes)
        finished.signal()
    }
    finished.wait()
    let elapsed = ContinuousClock.now - start
    guard elapsed <= limits.maximumDuration + .seconds(10) else {
        fatalError("a validation ran for \(elapsed) under a time limit of \(limits.maximumDuration)")
    }
    guard let reports = outcome.reports, let last = reports.last else { return 0 }
    for report in reports {
        guard let counters = report.validationCounters else { fatalError("a report without the validation's counters") }
        check(counters, limits: limits)
    }
    if let reached = last.validationCounters?.limitReached {
        let finding = ValidationLimitExceeded(reached, limits: limits).finding
        guard last.indication == .indeterminate, last.findings.contains(finding) else {
            fatalError("the \(reached) limit was reached but the last signature is \(last.indication.rawValue) without saying so")
        }
    }
    return 0
}

/// Traps when a counter went past its limit without the limit being reported as reached.
private func check(_ counters: ValidationCounters, limits: ValidationLimits) {
    if counters.decodedBytes > limits.maximumDecodedBytes, counters.limitReached != .decodedBytes {
        fatalError("\(counters.decodedBytes) bytes decoded under a limit of \(limits.maximumDecodedBytes)")
    }
    if counters.dssEntries > limits.maximumDSSEntries, counters.limitReached != .dssEntries {
        fatalError("\(counters.dssEntries) DSS entries read under a limit of \(limits.maximumDSSEntries)")
    }
    if counters.signatureVerifications > limits.maximumSignatureVerifications,
       counters.limitReached != .signatureVerifications || counters.signatureVerifications > limits.maximumSignatureVerifications + 1 {
        fatalError("\(counters.signatureVerifications) verifications under a limit of \(limits.maximumSignatureVerifications)")
    }
}

/// The self-signed certificates of the file's DSS (at most 16), read with the reader's own limits.
private func selfSignedCertificates(in bytes: [UInt8]) -> [Certificate] {
    var options = PDFFile.Options()
    options.maximumDecodedStreamSize = 1 << 20
    guard let file = try? PDFFile(bytes: bytes, options: options), let store = try? file.documentSecurityStore() else { return [] }
    return store.certificates.prefix(16).compactMap { try? Certificate(derEncoded: $0) }.filter(\.isSelfSigned)
}

/// The validator's answer, handed from its task to the fuzzer's thread (which waits on a semaphore meanwhile).
private final class Outcome: @unchecked Sendable {
    var reports: [SignatureValidationReport]?
}
