import Foundation
import LicnaCard
import LicnaCardClient
import SwiftASN1
import X509

// How the card commands reach a card and read their inputs; every failure is a translated message and an exit
// status (CONVENTIONS.md).

public func openCard(_ path: String) throws -> VirtualCard {
    do {
        return try VirtualCard(contentsOf: path)
    } catch let failure as CardImageStore.Failure {
        throw explained(Exit.failed, "cli.card.image", ["detail": failure.description])
    }
}

public func openChannel(card: String?, reader: String?) throws -> any CardChannel {
    switch (card, reader) {
    case (let path?, nil):
        return SmartCardChannel(card: try openCard(path))
    case (nil, let name?):
        do {
            return try PCSCChannel(reader: name)
        } catch {
            throw explained(Exit.failed, "cli.card.pcsc", ["detail": error.description])
        }
    default:
        throw explained(Exit.usage, "cli.card.card-or-reader")
    }
}

public func loadCertificates(_ path: String) throws -> [Certificate] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw explained(Exit.failed, "cli.import.unreadable", ["file": path])
    }
    do {
        return try PEMDocument.parseMultiple(pemString: text).map { try Certificate(pemDocument: $0) }
    } catch {
        throw explained(Exit.usage, "cli.card.pem", ["file": path])
    }
}

public func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02X", $0) }.joined()
}

public func bytes(hex text: String) -> [UInt8]? {
    let digits = Array(text.filter { !$0.isWhitespace })
    guard digits.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    for index in stride(from: 0, to: digits.count, by: 2) {
        guard let byte = UInt8(String(digits[index...index + 1]), radix: 16) else { return nil }
        out.append(byte)
    }
    return out
}
