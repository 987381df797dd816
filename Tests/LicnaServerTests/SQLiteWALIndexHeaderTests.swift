import Foundation
@testable import LicnaServer
import VaporCSQLite
import Testing

/// `SQLiteWALIndexHeader` read from SQLite's own mapping of a real file: the header is the same between commits
/// however often it is read, and differs after every commit — by another connection, after a checkpoint that
/// restarts the WAL — while a file not in WAL mode has no index to read. Crafted headers: copies that disagree (a
/// commit being published) or an index not initialized give no header.
@Suite struct SQLiteWALIndexHeaderTests {
    static func file(walMode: Bool) throws -> (path: String, writer: SQLiteFileConnection) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wal-index-\(UUID().uuidString).sqlite").path
        FileManager.default.createFile(atPath: path, contents: nil)  // SQLite makes a database of an empty file
        let writer = try SQLiteFileConnection(path: path, busyTimeout: 1_000, prepare: [])
        try writer.execute("PRAGMA journal_mode=\(walMode ? "WAL" : "DELETE")")
        try writer.execute("CREATE TABLE t (v INTEGER)")
        return (path, writer)
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test func everyCommitChangesTheHeaderAndNothingElseDoes() throws {
        let (path, writer) = try Self.file(walMode: true)
        defer { Self.remove(path) }
        let reader = try SQLiteFileConnection(path: path, busyTimeout: 1_000, queryOnly: true, prepare: ["SELECT COUNT(*) FROM t"])
        func read() { sqlite_nio_sqlite3_step(reader.statements[0]); sqlite_nio_sqlite3_reset(reader.statements[0]) }
        read()
        let index = try #require(reader.mappedWALIndex())
        var seen: [SQLiteWALIndexHeader] = []
        for round in 0..<50 {
            let before = try #require(SQLiteWALIndexHeader(mappedAt: index))
            read()
            #expect(SQLiteWALIndexHeader(mappedAt: index) == before)  // reading commits nothing
            if round % 10 == 9 { try writer.execute("PRAGMA wal_checkpoint(TRUNCATE)") }  // the next commit restarts the WAL
            try writer.execute("INSERT INTO t VALUES (\(round))")
            let after = try #require(SQLiteWALIndexHeader(mappedAt: index))
            #expect(after != before)
            #expect(!seen.contains(after))
            seen.append(before)
        }
    }

    @Test func aFileNotInWALModeHasNoIndex() throws {
        let (path, _) = try Self.file(walMode: false)
        defer { Self.remove(path) }
        let reader = try SQLiteFileConnection(path: path, busyTimeout: 1_000, queryOnly: true, prepare: ["SELECT COUNT(*) FROM t"])
        sqlite_nio_sqlite3_step(reader.statements[0]); sqlite_nio_sqlite3_reset(reader.statements[0])
        #expect(reader.mappedWALIndex() == nil)
        // Asking SQLite's VFS for the index of a file not in WAL mode would open a `-shm` file and its lock, which
        // SQLite never releases outside WAL mode: the mode is asked first.
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
    }

    @Test func copiesThatDisagreeOrAnIndexNotInitializedAreNoHeader() {
        var bytes = [UInt8](repeating: 0, count: 96)
        for copy in [0, 48] { bytes[copy + 12] = 1; bytes[copy + 8] = 7 }  // isInit, iChange
        bytes.withUnsafeBytes { #expect(SQLiteWALIndexHeader(mappedAt: $0.baseAddress!) != nil) }
        var torn = bytes
        torn[48 + 8] = 8  // the second copy already has the next commit's iChange
        torn.withUnsafeBytes { #expect(SQLiteWALIndexHeader(mappedAt: $0.baseAddress!) == nil) }
        var uninitialized = bytes
        for copy in [0, 48] { uninitialized[copy + 12] = 0 }
        uninitialized.withUnsafeBytes { #expect(SQLiteWALIndexHeader(mappedAt: $0.baseAddress!) == nil) }
    }
}
