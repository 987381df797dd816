import ArgumentParser
import Foundation
import LicnaCommandLine
import LicnaPKI
import LicnaServer
import X509

/// `--qscd-model NAME --attestation-root FILE`, repeated in pairs: the card models certified as QSCDs and the
/// manufacturer roots their key attestations chain to (README, "Trust services"). A model may be named again
/// with another root. The virtual card's model is refused: its development root is accepted only with `--dev`.
struct QSCDOptions: ParsableArguments {
    @Option(name: .customLong("qscd-model"),
            help: ArgumentHelp("A card model certified as a QSCD; follow it with its --attestation-root (repeatable).", valueName: "name"))
    var models: [String] = []

    @Option(name: .customLong("attestation-root"),
            help: ArgumentHelp("The manufacturer root (PEM or DER) the preceding --qscd-model's attestations chain to.", valueName: "file"))
    var roots: [String] = []

    /// The models and their roots, read once.
    func qscdModels() throws -> [String: [Certificate]] {
        guard models.count == roots.count else { throw explained(Exit.usage, "cli.qscd.pairs") }
        var configured: [String: [Certificate]] = [:]
        for (model, file) in zip(models, roots) {
            guard !model.isEmpty else { throw explained(Exit.usage, "cli.qscd.pairs") }
            guard model != CardManufacturer.virtualCardModel else { throw explained(Exit.usage, "cli.qscd.virtual-model") }
            guard let bytes = FileManager.default.contents(atPath: file) else {
                throw explained(Exit.failed, "cli.import.unreadable", ["file": file])
            }
            let certificate: Certificate
            if let text = String(data: bytes, encoding: .utf8), text.contains("-----BEGIN"), let parsed = try? Certificate(pemEncoded: text) {
                certificate = parsed
            } else if let parsed = try? Certificate(derEncoded: Array(bytes)) {
                certificate = parsed
            } else {
                throw explained(Exit.usage, "cli.qscd.root-unreadable", ["file": file])
            }
            configured[model, default: []].append(certificate)
        }
        return configured
    }
}
