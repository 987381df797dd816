import ArgumentParser
import Crypto
import Foundation
import LicnaCardCommands
import LicnaDocuments
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

    func validate() throws {
        guard count >= 1, runs >= 1 else { throw ValidationError("--count and --runs must be at least 1") }
    }

    func run() async throws {
        let issuer = CertificateIssuer()
        let serials = CertificateSerialNumberGenerator()
        let now = Date()
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
        let signed = try await signerTool.sign(pdf, with: producer)
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
            for _ in 0..<count { _ = try await signerTool.sign(pdf, with: producer) }
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
}
