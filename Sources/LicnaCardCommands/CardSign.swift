import ArgumentParser
import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
import LicnaBasics
#endif
import LicnaCard
import LicnaCardClient
import LicnaCommandLine
import LicnaDocuments
import LicnaPKI
import SwiftASN1
import X509

/// `licna-card sign` (also `licna card sign`): a qualified-signature-style signature with the card's 9C key; the PIN
/// is asked for each signature (CONVENTIONS.md: from a prompt without echo, or a line of standard input).
public struct CardSign: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a file with the card's signature key (PAdES inside a PDF, or CAdES detached .p7s), asking for the PIN.")
    @Argument(help: "The file to sign.") var file: String
    @OptionGroup var cardSelection: CardSelection
    @Option(help: "pades (a signed PDF) or cades (a detached .p7s); pades for PDFs by default.") var format: String?
    @Option(help: "b-b, b-t (a timestamp from --server or --tsa) or, for PAdES, b-lt (validation data in the PDF).") var level = "b-b"
    @Option(help: "A Licna server: its TSA for b-t and its CA certificates for the chain (https, or http with --root-sha256).") var server: String?
    @Option(name: .customLong("root-sha256"), help: "The server root's SHA-256 as `licna ca init` printed it (else LICNA_ROOT_SHA256 or root-sha256 in ~/.config/licna/licna-card.conf).")
    var rootSHA256: String?
    @Option(help: "A timestamp authority's address (RFC 3161 over HTTP).") var tsa: String?
    @Option(help: "PEM file with the CA certificates to embed (the chain above the signer).") var chain: String?
    @Option(name: [.short, .customLong("out")], help: "Output file.") var out: String
    @Flag(help: "PAdES: a visible stamp with the signer's name and the signing time, 36,36,220,60 on page 1 unless given.") var visible = false
    @Option(name: .customLong("stamp-page"), help: "The page of the visible stamp, from 1 (implies --visible).") var stampPage: Int?
    @Option(name: .customLong("stamp-rect"), help: "The stamp's x,y,width,height in points from the page's lower-left corner (implies --visible).")
    var stampRect: String?

    public init() {}

    public func run() async throws {
        let content = try readDocument(file)
        let format = self.format ?? (content.starts(with: Array("%PDF".utf8)) ? "pades" : "cades")
        guard format == "cades" || format == "pades" else { throw explained(Exit.usage, "cli.sign.format", ["value": format]) }
        guard let level = SignatureLevel(rawValue: level), level != .longTerm || format == "pades" else {
            throw explained(Exit.usage, "cli.sign.level", ["value": level])
        }
        let appearance = try stamp(format: format)
        // The server's root, pinned or over https, before the card is touched: its chain and TSA are only as good.
        var serverRoot: Certificate?
        if let server { serverRoot = try await ServerTrustAnchor(option: rootSHA256).root(of: server) }
        let channel = try cardSelection.channel()
        let piv = PIVClient(channel: channel)
        let certificate: Certificate
        do {
            _ = try piv.select()
            certificate = try Certificate(derEncoded: try piv.readCertificate(slot: .signature))
        } catch {
            throw explained(Exit.failed, "cli.sign.no-certificate", ["detail": "\(error)"])
        }
        let algorithm: PIVAlgorithm = P384PublicKeyCheck.isP384(certificate.publicKey) ? .p384 : .p256
        let pin = Terminal.readSecret(Terminal.text("cli.sign.pin-prompt"))
        let key = CardPrivateKey(client: piv, slot: .signature, algorithm: algorithm, publicKey: certificate.publicKey) {
            try piv.verify(pin: pin)
        }
        var authority: (any TimestampAuthority)?
        if let address = tsa ?? server.map({ $0.hasSuffix("/") ? $0 + "pki/tsa" : $0 + "/pki/tsa" }), let url = URL(string: address) {
            authority = HTTPTimestampAuthority(url: url)
        }
        var intermediates = try chain.map(loadCertificates) ?? []
        if intermediates.isEmpty, let server, let url = URL(string: server)?.appendingPathComponent("pki/ca/citizen.cer"),
           let (data, _) = try? await URLSession.shared.data(from: url), let ca = try? Certificate(derEncoded: Array(data)) {
            intermediates = [ca]
        }
        // The card's certificate must chain to the pinned root through what the server sent: a server that is not
        // the card's own is refused before a signature is made.
        if let serverRoot {
            let chains = intermediates.contains { certificate.isIssued(by: $0) && $0.isIssued(by: serverRoot) }
            guard chains else { throw explained(Exit.failed, "cli.sign.foreign-server", ["server": server ?? ""]) }
        }
        let signature: [UInt8]
        do {
            let producer = SoftwareSignatureProducer(privateKey: Certificate.PrivateKey(key))
            if format == "pades" {
                signature = try await PAdESSigner(certificate: certificate, chain: intermediates, appearance: appearance).sign(
                    content, with: producer, level: level, timestampAuthority: authority,
                    revocationSource: HTTPRevocationSource(), signingTime: SystemWallClock().now)
            } else {
                signature = try await CAdESSigner(certificate: certificate, chain: intermediates).sign(
                    content, with: producer, level: level, timestampAuthority: authority, signingTime: SystemWallClock().now)
            }
        } catch let error as PIVError where error.code == .pivWrongSecret && (error.triesLeft ?? 0) > 0 {
            throw explained(Exit.no, "cli.sign.wrong-pin", ["left": "\(error.triesLeft ?? 0)"])
        } catch let error as PIVError {
            throw explainedPINError(error)
        } catch let error as SigningError where error.code == .invalidAppearance {
            throw explained(Exit.usage, "cli.sign.stamp-invalid", ["detail": error.message])
        } catch let error as SigningError {
            throw explained(Exit.failed, "cli.sign.failed", ["detail": error.description])
        } catch let error as ExitCode {
            throw error
        } catch {
            throw explained(Exit.failed, "cli.sign.failed", ["detail": "\(error)"])
        }
        guard FileManager.default.createFile(atPath: out, contents: Data(signature)) else {
            throw explained(Exit.failed, "cli.write-failed", ["path": out])
        }
        Terminal.say("cli.sign.done", ["file": file, "out": out, "level": level.rawValue.uppercased()])
    }

    /// The visible stamp asked for, with its captions in the user's language; nil for an invisible signature.
    func stamp(format: String) throws -> SignatureAppearance? {
        guard visible || stampPage != nil || stampRect != nil else { return nil }
        guard format == "pades" else { throw explained(Exit.usage, "cli.sign.visible-cades") }
        var rectangle = SignatureAppearance.defaultRectangle
        if let stampRect {
            let numbers = stampRect.split(separator: ",", omittingEmptySubsequences: false)
                .compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard numbers.count == 4, numbers.allSatisfy(\.isFinite) else {
                throw explained(Exit.usage, "cli.sign.stamp-rect", ["value": stampRect])
            }
            rectangle = SignatureAppearance.Rectangle(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])
        }
        if let stampPage, stampPage < 1 { throw explained(Exit.usage, "cli.sign.stamp-page", ["value": String(stampPage)]) }
        let font: TrueTypeFont
        do { font = try TrueTypeFont.load() } catch let error as FontError {
            throw explained(Exit.failed, "cli.sign.font", ["detail": error.detail])
        }
        return SignatureAppearance(pageIndex: (stampPage ?? 1) - 1, rectangle: rectangle, font: font,
                                   caption: Terminal.text("stamp.signed-by"), notice: Terminal.text("stamp.notice"))
    }
}

enum P384PublicKeyCheck {
    static func isP384(_ key: Certificate.PublicKey) -> Bool { P384.Signing.PublicKey(key) != nil }
}
