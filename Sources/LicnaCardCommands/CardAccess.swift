import ArgumentParser
import Crypto
import Foundation
import LicnaCard
import LicnaCardClient
import LicnaCommandLine
import LicnaPKI
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

/// `--card FILE` or `--reader NAME`: which card a command works on (exactly one of them).
public struct CardSelection: ParsableArguments {
    @Option(help: "A virtual card image.") public var card: String?
    @Option(help: "A PC/SC reader (name or unique part of it).") public var reader: String?

    public init() {}

    /// The chosen card's channel, or a translated usage error.
    public func channel() throws -> any CardChannel {
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

/// SHA-256, SHA-384 and SHA-512 of a file in one streaming pass of 1 MiB reads, for a detached signature over a
/// file of any size (RFC 5652 §5.4: the message digest is over the content octets).
public func streamingDigests(_ path: String) throws -> [DigestAlgorithm: [UInt8]] {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw explained(Exit.failed, "cli.import.unreadable", ["file": path])
    }
    defer { try? handle.close() }
    var sha256 = SHA256()
    var sha384 = SHA384()
    var sha512 = SHA512()
    while true {
        let read: Data?
        do { read = try handle.read(upToCount: 1 << 20) } catch {
            throw explained(Exit.failed, "cli.import.unreadable", ["file": path])
        }
        guard let chunk = read, !chunk.isEmpty else { break }  // nil or empty: the end of the file
        sha256.update(data: chunk)
        sha384.update(data: chunk)
        sha512.update(data: chunk)
    }
    return [.sha256: Array(sha256.finalize()), .sha384: Array(sha384.finalize()), .sha512: Array(sha512.finalize())]
}
