import ArgumentParser
import Foundation
import LicnaBasics
@testable import LicnaCommandLine
import Testing

@Suite struct ReadDocumentTests {
    func temporaryFile(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("licna-read-document-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name)
    }

    @Test func aDocumentWithinTheLimitIsReadWhole() throws {
        let file = try temporaryFile("small.pdf")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let bytes = Array("%PDF-1.7\n".utf8) + (0..<5_000).map { UInt8($0 % 251) }
        try Data(bytes).write(to: file)
        #expect(try readDocument(file.path) == bytes)
    }

    @Test func aDocumentOverTheLimitIsRefusedFromItsSizeWithTheLimitInTheMessage() throws {
        // A sparse file one byte over the limit: refused before a byte is read (it would need 200 MiB of memory).
        let file = try temporaryFile("huge.pdf")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try Data("%PDF-1.7\n".utf8).write(to: file)
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: UInt64(DocumentLimits.maximumDocumentBytes + 1))
        try handle.close()
        #expect(throws: Exit.failed) { try readDocument(file.path) }

        #expect(DocumentLimits.maximumDocumentBytes == 200 * 1024 * 1024)
        let message = Terminal.text("cli.document.too-large", documentTooLargeArguments("huge.pdf"))
        #expect(message.contains("200 MiB"))
        #expect(message.contains("huge.pdf"))
        #expect(message.contains("--format cades"))
    }

    @Test func anUnreadableDocumentFailsWithExitStatusThree() throws {
        let file = try temporaryFile("missing.pdf")
        #expect(throws: Exit.failed) { try readDocument(file.path) }
        #expect(Exit.failed.rawValue == 3)
    }
}
