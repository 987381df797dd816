import ArgumentParser
import Crypto
import Foundation
import LicnaBasics
import LicnaCommandLine
@_spi(Benchmarks) import LicnaDocuments
import LicnaPKI
import X509

/// PAdES signatures per second with a software key beside raw ECDSA signing, and in-process validations per
/// second; with `--prepare DIR` it also writes a signed PDF and its root for the whole-process comparison with
/// pyHanko that `scripts/benchmark-documents` runs.
struct BenchDocuments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "documents", abstract: "PAdES signing and validation rates.")
    @Option(help: "Signatures and validations per run.") var count = 300
    @Option(help: "Runs; the median is printed.") var runs = 5
    @Option(help: "Write signed.pdf and root.pem here for the whole-process comparison.") var prepare: String?
    @Option(help: "Write signed.pdf, root.pem and the hostile files (hostile-repeated.pdf, hostile-distinct.pdf, hostile-junk.pdf) here, and stop.")
    var writeHostile: String?

    func validate() throws {
        guard count >= 1, runs >= 1 else { throw ValidationError("--count and --runs must be at least 1") }
    }

    func run() async throws {
        let issuer = CertificateIssuer()
        let serials = CertificateSerialNumberGenerator()
        let now = SystemWallClock().now
        let rootKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let rootName = try DistinguishedName { CountryName("ME"); CommonName("Benchmark Root") }
        let root = SigningAuthority(certificate: try issuer.issue(
            profile: .rootCA, subject: rootName, publicKey: rootKey.publicKey, serialNumber: serials.next(), notBefore: now - 3_600,
            notAfter: now + 86_400 * 30, authority: nil, selfSigningKey: rootKey,
            options: .init(locations: .init(ocsp: nil, caIssuers: nil, crl: nil), maxPathLength: 0)), privateKey: rootKey)
        let key = P256.Signing.PrivateKey()
        let signerKey = Certificate.PrivateKey(key)
        let signer = try issuer.issue(
            profile: .signature, subject: try DistinguishedName.citizen(country: "ME", givenName: "Bench", surname: "Mark", identificationNumber: "276543219"),
            publicKey: signerKey.publicKey, serialNumber: serials.next(), notBefore: now - 3_600, notAfter: now + 86_400 * 20,
            authority: root, options: .init(locations: .init(ocsp: nil, caIssuers: nil, crl: nil)))
        let font = try TrueTypeFont.load(path: TrueTypeFont.defaultFontPath)
        let document = try PDFDocumentWriter(font: font).render([
            .heading("Ugovor o zakupu — Уговор о закупу"),
            .paragraph(String(repeating: "Kvalifikovani elektronski potpis je jednak svojeručnom, ali samo u digitalnom obliku. ", count: 40)),
        ]).data
        let pdf = Array(document)
        let signerTool = PAdESSigner(certificate: signer, chain: [root.certificate])
        let producer = SoftwareSignatureProducer(privateKey: signerKey)
        let signed = try await signerTool.sign(pdf, with: producer, signingTime: now)
        if let writeHostile {
            try Self.writeHostileFiles(signed: signed, root: root, signer: signer, to: writeHostile, now: now)
            return
        }
        if let prepare {
            try FileManager.default.createDirectory(atPath: prepare, withIntermediateDirectories: true)
            try Data(signed).write(to: URL(fileURLWithPath: prepare + "/signed.pdf"))
            try Data(try root.certificate.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: prepare + "/root.pem"))
        }
        let validator = PDFSignatureValidator(policy: ValidationPolicy(trustAnchors: [root.certificate], now: now, clock: ContinuousClock()))
        let digest = SHA256.hash(data: pdf)
        var signing: [Double] = [], raw: [Double] = [], validating: [Double] = []
        for _ in 0..<runs {
            var start = ContinuousClock.now
            for _ in 0..<count { _ = try await signerTool.sign(pdf, with: producer, signingTime: now) }
            signing.append(Double(count) / Bench.seconds(start))
            start = ContinuousClock.now
            for _ in 0..<count { _ = try key.signature(for: digest) }
            raw.append(Double(count) / Bench.seconds(start))
            start = ContinuousClock.now
            for _ in 0..<count { _ = try await validator.validate(signed) }
            validating.append(Double(count) / Bench.seconds(start))
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        Terminal.print("PAdES B-B signatures (software P-256 key, \(pdf.count / 1024) KB PDF): median \(Int(median(signing)))/s; raw P-256 signing: median \(Int(median(raw)))/s; ratio \(String(format: "%.3f", median(signing) / median(raw))) over \(runs) runs of \(count)")
        Terminal.print("PAdES validations in process (signature, chain, coverage; offline): median \(Int(median(validating)))/s over \(runs) runs of \(count)")
    }

    /// The three hostile files of README "Validation policy" (and docs/threat_model.md), each a copy of `signed`
    /// with a further update: a DSS naming one stream that decodes to 64 MiB 2,000 times; one naming 400 distinct
    /// such streams; one with 20,000 junk OCSP responses (for the signer's certificate, signed by another key).
    static func writeHostileFiles(signed: [UInt8], root: SigningAuthority, signer: Certificate, to folder: String, now: Date) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func write(_ bytes: [UInt8], _ name: String) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        try write(signed, "signed.pdf")
        try Data(try root.certificate.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: folder + "/root.pem"))
        let mebibytes64 = 64 * 1024 * 1024
        try write(try HostileDocuments.appendingDSS(to: signed, encodedStreams: [try HostileDocuments.zeros(mebibytes64, rounds: 1)], rounds: 1,
                                                    ocspReferences: Array(repeating: 0, count: 2_000)), "hostile-repeated.pdf")
        let twice = try HostileDocuments.zeros(mebibytes64, rounds: 2)
        try write(try HostileDocuments.appendingDSS(to: signed, encodedStreams: Array(repeating: twice, count: 400), rounds: 2,
                                                    ocspReferences: Array(0..<400)), "hostile-distinct.pdf")
        let strangerKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let stranger = SigningAuthority(certificate: try CertificateIssuer().issue(
            profile: .rootCA, subject: root.certificate.subject, publicKey: strangerKey.publicKey, serialNumber: CertificateSerialNumberGenerator().next(),
            notBefore: now - 3_600, notAfter: now + 86_400, authority: nil, selfSigningKey: strangerKey,
            options: .init(locations: .init(ocsp: nil, caIssuers: nil, crl: nil), maxPathLength: 0)), privateKey: strangerKey)
        let certID = try OCSPCertID(hashAlgorithm: .sha1, issuer: root.certificate, serialNumber: signer.serialNumber)
        let template = try OCSPResponseBuilder(responder: stranger).build(
            answers: [OCSPSingleAnswer(certID: certID, status: .good, thisUpdate: now, nextUpdate: now + 3_600)],
            producedAt: now, nonceExtension: nil)
        // Each entry different: the last two bytes of the signature value vary.
        let signature = try OCSPResponse(derEncoded: template).signature
        guard let start = (0...(template.count - signature.count)).first(where: { template[$0..<($0 + signature.count)].elementsEqual(signature) }) else {
            throw ValidationError("the OCSP template has no signature")
        }
        let end = start + signature.count
        let junk = (0..<20_000).map { index -> [UInt8] in
            var entry = template
            entry[end - 1] = UInt8(index & 0xFF)
            entry[end - 2] = UInt8(index >> 8 & 0xFF)
            return entry
        }
        try write(try HostileDocuments.appendingDSS(to: signed, encodedStreams: junk, rounds: 0, ocspReferences: Array(0..<20_000)),
                  "hostile-junk.pdf")
    }
}
