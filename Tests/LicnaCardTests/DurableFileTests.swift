import Foundation
@testable import LicnaCard
import Testing

@Suite struct DurableFileTests {
    @Test func writesReplaceTheWholeFileWithMode0600() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("licna-card-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = DurableFile(path: folder.appendingPathComponent("card.image").path)
        #expect(try file.read() == nil)
        try file.write(Array("first".utf8))
        #expect(try file.read() == Array("first".utf8))
        let big = (0..<200_000).map { UInt8($0 % 251) }
        try file.write(big)
        #expect(try file.read() == big)
        try file.write([1])
        #expect(try file.read() == [1])
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // A temporary file left by a crash before the rename does not change what is read.
        #expect(FileManager.default.createFile(atPath: file.path + ".new", contents: Data("torn".utf8)))
        #expect(try file.read() == [1])
        try file.write([2])
        #expect(try file.read() == [2])
        #expect(!FileManager.default.fileExists(atPath: file.path + ".new"))
    }

    @Test func failuresSayWhatAndWhere() {
        let file = DurableFile(path: "/nonexistent-folder-\(UUID().uuidString)/card.image")
        #expect(throws: DurableFile.Failure.self) { try file.write([1]) }
        #expect((try? file.read()) == .some(nil))
    }
}
