import ArgumentParser
import Crypto
import Foundation
import LicnaCommandLine
import LicnaCard
import LicnaCardClient

/// The card OS's own cost: signatures through GENERAL AUTHENTICATE beside raw P-256 signing in the same run,
/// and PIN verifications per second including the durable counter writes (two per VERIFY: the try taken, then
/// given back), with the image on disk and on tmpfs. `scripts/benchmark-card` runs it.
struct BenchCard: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "card", abstract: "Card signatures and PIN verifications per second.")
    @Option(help: "Signatures per run.") var signatures = 3_000
    @Option(help: "PIN verifications per run.") var verifications = 500
    @Option(help: "Runs; the median is printed.") var runs = 5
    @Option(help: "Folders for the card image (one result each), e.g. a disk folder and /dev/shm.") var folder: [String] = [NSTemporaryDirectory()]

    func validate() throws {
        guard runs >= 1, signatures >= 1, verifications >= 1 else {
            throw ValidationError("--runs, --signatures and --verifications must be at least 1")
        }
    }

    func run() throws {
        let transport = [UInt8](repeating: 0x42, count: 32)
        let card = VirtualCard.inMemory(transportKey: transport)
        let piv = PIVClient(channel: SmartCardChannel(card: card))
        _ = try piv.select()
        try piv.authenticateManagementKey(SymmetricKey(data: transport))
        try piv.setReferenceData(.pin, value: "123456")
        _ = try piv.generateKeyPair(slot: .authentication, algorithm: .p256)
        try piv.verify(pin: "123456")
        let hash = Array(SHA256.hash(data: Array("benchmark".utf8)))
        // As `PIVClient.sign`: the dynamic authentication template asks for a response (82) to the challenge (81).
        let template = BERTLV(tag: 0x7C, value: [0x82, 0x00] + BERTLV(tag: 0x81, value: hash).bytes).bytes
        let command = CommandAPDU(.generalAuthenticate, p1: PIVAlgorithm.p256.rawValue, p2: PIVSlot.authentication.keyReference,
                                  data: template, expectedLength: 256).bytes
        // The answers are checked against `90 00` made once, so that the check costs the timed loops nothing new.
        let success = StatusWord.success.bytes
        let rawKey = P256.Signing.PrivateKey()
        let digest = SHA256.hash(data: Array("benchmark".utf8))
        var cardRates: [Double] = [], rawRates: [Double] = []
        for _ in 0..<runs {
            var start = ContinuousClock.now
            for _ in 0..<signatures {
                precondition(card.transmit(command).suffix(2).elementsEqual(success))
            }
            cardRates.append(Double(signatures) / Bench.seconds(start))
            start = ContinuousClock.now
            for _ in 0..<signatures { _ = try rawKey.signature(for: digest) }
            rawRates.append(Double(signatures) / Bench.seconds(start))
        }
        let cardMedian = cardRates.sorted()[runs / 2], rawMedian = rawRates.sorted()[runs / 2]
        Terminal.print("card P-256 signatures (GENERAL AUTHENTICATE, in process): median \(Int(cardMedian))/s; raw P-256 signing: median \(Int(rawMedian))/s; card OS overhead \(String(format: "%.1f", (rawMedian / cardMedian - 1) * 100)) % over \(runs) runs of \(signatures)")

        for folder in folder {
            let path = (folder as NSString).appendingPathComponent("licna-bench-card-\(UUID().uuidString)")
            defer {
                for suffix in ["", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            let (onDisk, key) = try VirtualCard.create(at: path)
            let client = PIVClient(channel: SmartCardChannel(card: onDisk))
            _ = try client.select()
            try client.authenticateManagementKey(SymmetricKey(data: key))
            try client.setReferenceData(.pin, value: "123456")
            let verify = CommandAPDU(.verify, p1: 0x00, p2: PIVReference.pin.rawValue, data: try PIVClient.pivFormat("123456")).bytes
            var rates: [Double] = []
            for _ in 0..<runs {
                let start = ContinuousClock.now
                for _ in 0..<verifications {
                    precondition(onDisk.transmit(verify) == success)
                }
                rates.append(Double(verifications) / Bench.seconds(start))
            }
            Terminal.print("PIN verifications with durable counter (image in \(folder)): median \(Int(rates.sorted()[runs / 2]))/s over \(runs) runs of \(verifications)")
        }
    }
}
