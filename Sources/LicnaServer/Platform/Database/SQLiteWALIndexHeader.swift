import Synchronization
import VaporCSQLite

/// The header of an SQLite file's WAL index as it stands, read without a transaction: equal headers mean that no
/// transaction committed in between, by any connection of any process.
///
/// SQLite's file format (sqlite.org/walformat.html §2.1, "The WAL-Index Header"): the shared-memory WAL index starts
/// with two copies of a 48-byte header; a committing writer updates the second copy, then the first, and every commit
/// changes `iChange` and `mxFrame` (a WAL restart, its salts). Readers read the first copy, then the second, and
/// trust the header only when both agree; SQLite's own readers do exactly this before they take a lock. A header is
/// only ever compared with another: a reader that took a header, then read in a transaction, has read at least what
/// that header described, so while the header is unchanged, what it read is still what the file says. Its checksum is
/// not verified: a header whose copies agree but whose checksum fails is rebuilt by SQLite's recovery, which changes it.
struct SQLiteWALIndexHeader: Equatable, Sendable {
    private let words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.words == rhs.words
    }

    /// The header at `index` (the start of the WAL index as SQLite mapped it), or nil when its two copies differ (a
    /// commit is being published) or it is not initialized (`isInit`, byte 12, is not 1).
    init?(mappedAt index: UnsafeRawPointer) {
        func copy(at offset: Int) -> (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) {
            (index.load(fromByteOffset: offset, as: UInt64.self), index.load(fromByteOffset: offset + 8, as: UInt64.self),
             index.load(fromByteOffset: offset + 16, as: UInt64.self), index.load(fromByteOffset: offset + 24, as: UInt64.self),
             index.load(fromByteOffset: offset + 32, as: UInt64.self), index.load(fromByteOffset: offset + 40, as: UInt64.self))
        }
        let first = copy(at: 0)
        atomicMemoryFence(ordering: .acquiring)  // the first copy before the second, as the writer's barrier expects
        let second = copy(at: 48)
        guard first == second, withUnsafeBytes(of: first, { $0[12] }) == 1 else { return nil }
        words = first
    }
}

extension SQLiteFileConnection {
    /// The start of the WAL index that SQLite mapped for this connection (the VFS's `xShmMap` of region 0, without
    /// extending it), or nil when the file is not in WAL mode or the connection has not read yet. The mapping is
    /// SQLite's own and lives as long as the connection; no second descriptor of the `-shm` file is opened, whose
    /// closing would drop this process's POSIX locks on it. The journal mode is asked first: outside WAL mode the
    /// unix VFS would open a `-shm` file and take its lock for the call, and only a closing WAL connection releases
    /// them (SQLite's `walClose`), so a connection to a file in another mode would keep them until the process ends.
    func mappedWALIndex() -> UnsafeRawPointer? {
        guard journalMode() == "wal" else { return nil }
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite_nio_sqlite3_file_control(handle, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK, let file,
              let methods = file.pointee.pMethods, methods.pointee.iVersion >= 2, let map = methods.pointee.xShmMap else { return nil }
        var region: UnsafeMutableRawPointer?
        // Region size 32 KiB (WALINDEX_PGSZ), region 0, never extend: only a region SQLite already has is returned.
        guard map(file, 0, 32_768, 0, &region) == SQLITE_OK, let region else { return nil }
        return UnsafeRawPointer(region)
    }

    /// The main database's journal mode as SQLite names it (`PRAGMA main.journal_mode`: "wal", "delete", …), or nil.
    private func journalMode() -> String? {
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v2(handle, "PRAGMA main.journal_mode", -1, &statement, nil) == SQLITE_OK, let statement else { return nil }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        guard sqlite_nio_sqlite3_step(statement) == SQLITE_ROW, let text = sqlite_nio_sqlite3_column_text(statement, 0) else { return nil }
        return String(cString: text)
    }
}
