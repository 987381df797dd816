import Foundation
@_spi(Benchmarks) import LicnaDocuments
import LicnaPKI
@testable import LicnaServer
import LicnaTestSupport
import LicnaTranslations
import Testing
import Vapor
import VaporTesting
import X509

/// `POST /api/signatures/validate` and the public page under hostile files: the report (200) says INDETERMINATE
/// with a note naming the limit reached, and its counters show the work stayed bounded; an upload over the size
/// limit is 413.
@Suite(.serialized) struct SignatureValidationLimitsTests {
    static let mebibyte = 1024 * 1024

    /// A PDF signed under a test PKI (not the installation's: the limits are reached before trust matters).
    static func signed() async throws -> [UInt8] {
        let pki = try CMSTestPKI()
        return try await PAdESSigner(certificate: pki.signer).sign(PDFFixtures.classic(), with: SoftwareSignatureProducer(privateKey: pki.signerKey), signingTime: Date())
    }

    static func hostileFiles() async throws -> [(name: String, pdf: [UInt8], limit: ValidationLimitExceeded.Limit, note: ValidationFinding)] {
        let signed = try await signed()
        let once = try HostileDocuments.zeros(64 * mebibyte, rounds: 1)
        let twice = try HostileDocuments.zeros(64 * mebibyte, rounds: 2)
        let junk = (0..<20_000).map { index in [0x30, 0x03, 0x02, 0x01, UInt8(index & 0x7F)] as [UInt8] }
        return [
            ("repeated", try HostileDocuments.appendingDSS(to: signed, encodedStreams: [once], rounds: 1, ocspReferences: Array(repeating: 0, count: 2_000)),
             .dssEntries, ValidationFinding(.validationLimitReached, ["limit": "dssEntries", "value": "1000"])),
            ("distinct", try HostileDocuments.appendingDSS(to: signed, encodedStreams: Array(repeating: twice, count: 400), rounds: 2,
                                                           ocspReferences: Array(0..<400)),
             .decodedBytes, ValidationFinding(.validationLimitReached, ["limit": "decodedBytes", "value": "128 MiB"])),
            ("junk", try HostileDocuments.appendingDSS(to: signed, encodedStreams: junk, rounds: 0, ocspReferences: Array(0..<20_000)),
             .dssEntries, ValidationFinding(.validationLimitReached, ["limit": "dssEntries", "value": "1000"])),
        ]
    }

    @Test func hostileUploadsGetAReportNamingTheLimit() async throws {
        let files = try await Self.hostileFiles()
        try await TestInstallation.make(.sqlite).withApp { app in
            try await app.licna.trust.authority(on: app.db).initialize(TrustFixtures.setup, context: .test)
            try await app.licna.trust.reload(on: app.db)
            for file in files {
                try await app.testing().test(.POST, "api/signatures/validate", beforeRequest: { request in
                    try request.content.encode(SignatureController.Upload(file: File(data: ByteBuffer(bytes: file.pdf), filename: "\(file.name).pdf")),
                                               as: .formData)
                }) { response in
                    #expect(response.status == .ok, "\(file.name): \(response.body.string.prefix(300))")
                    let answer = try response.content.decode(SignatureController.Answer.self)
                    let report = try #require(answer.signatures.first)
                    #expect(report.indication == .indeterminate, "\(file.name)")
                    #expect(report.findings.contains(file.note), "\(file.name): \(report.findings)")
                    // The finding carries its sentence in the request's language (here the default, Montenegrin).
                    let montenegrin = file.note.message { Translations.bundled.text($0, "cnr", $1) }
                    #expect(report.findings.first { $0 == file.note }?.message == montenegrin, "\(file.name): \(report.findings)")
                    #expect(montenegrin.hasPrefix("Dostignuto je ograničenje provjere"), "\(montenegrin)")
                    let counters = try #require(report.validationCounters)
                    #expect(counters.limitReached == file.limit, "\(file.name): \(counters)")
                    #expect(counters.decodedBytes <= 128 * Self.mebibyte, "\(file.name): \(counters)")
                    #expect(counters.signatureVerifications == 0, "\(file.name): \(counters)")
                    // The JSON names the counters for integrators.
                    #expect(response.body.string.contains("\"validationCounters\""))
                }
            }
            // The public page shows the same note, as a sentence in the page's language.
            let repeated = try #require(files.first)
            let sentence = repeated.note.message { Translations.bundled.text($0, "cnr", $1) }
            try await app.testing().test(.POST, "verify", beforeRequest: { request in
                try request.content.encode(SignatureController.Upload(file: File(data: ByteBuffer(bytes: repeated.pdf), filename: "repeated.pdf")),
                                           as: .formData)
            }) { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains(sentence), "\(sentence) not in \(response.body.string.prefix(500))")
            }
            // An upload over the size limit stays 413 (through the HTTP server, which enforces it).
            try await app.testing(method: .running(port: 0)).test(.POST, "api/signatures/validate", beforeRequest: { request in
                try request.content.encode(SignatureController.Upload(
                    file: File(data: ByteBuffer(bytes: [UInt8](repeating: 0x25, count: SignatureController.maximumUpload + 1)), filename: "big.pdf")),
                    as: .formData)
            }) { response in
                #expect(response.status == .payloadTooLarge)
            }
        }
    }
}
