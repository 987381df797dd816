import ArgumentParser
import Foundation
import LicnaCommandLine
import LicnaServer

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent online copy of the database (registry, audit trail, encrypted CA keys) to a file.",
        discussion: "The master key is never in the backup: keep it separately. The file is created with mode 0600.")

    @OptionGroup var storage: StorageOptions
    @Option(name: [.short, .customLong("out")], help: "The backup file, or - for standard output.") var out: String

    func run() async throws {
        let out = self.out
        let toStandardOutput = out == "-"
        let temporary = out + ".partial"
        let rows = try await withInstallation(storage) { app in
            let handle = toStandardOutput ? FileHandle.standardOutput : try SecretFile.open(forWriting: temporary)
            let writer = BufferedWriter(handle: handle, isFile: !toStandardOutput)
            let rows = try await BackupService(database: app.db, masterKey: app.licna.configuration.masterKey, clock: app.licna.configuration.clock).backup { writer.write($0) }
            try writer.close()
            return rows
        }
        // Only a complete backup gets the name asked for.
        guard toStandardOutput || rename(temporary, out) == 0 else { throw explained(Exit.failed, "cli.backup.rename", ["path": out]) }
        Terminal.say("cli.backup.done", ["rows": "\(rows)", "path": out])
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a backup into an empty installation (same master key), in one transaction.",
        discussion: """
            The file's MAC (made with the master key) is checked over every byte before anything is written. A backup that \
            holds a CA restores only with --root-sha256: the root fingerprint `licna ca init` printed, kept apart from the \
            backups, since a forged backup would carry its own root.
            """)

    @OptionGroup var storage: StorageOptions
    @Argument(help: "The backup file.") var file: String
    @Option(name: .customLong("root-sha256"), help: "The root certificate's SHA-256 that `licna ca init` printed (required for a backup with a CA).")
    var rootSHA256: String?
    @Flag(help: "Accept a version 1 backup, made before backups carried a MAC: nothing proves it was not changed.")
    var acceptLegacyBackup = false

    func run() async throws {
        var pin: [UInt8]?
        if let rootSHA256 {
            guard let bytes = HexArgument.sha256Fingerprint(rootSHA256) else {
                throw explained(Exit.usage, "cli.server.root-pin-format", ["value": String(rootSHA256.prefix(100))])
            }
            pin = bytes
        }
        let file = self.file
        guard FileManager.default.isReadableFile(atPath: file) else { throw explained(Exit.failed, "cli.import.unreadable", ["file": file]) }
        let open: @Sendable () throws -> (@Sendable () -> Data?) = {
            guard let handle = FileHandle(forReadingAtPath: file) else { throw explained(Exit.failed, "cli.import.unreadable", ["file": file]) }
            return LockedLines(LineSequence(handle: handle)).next
        }
        let options = BackupService.RestoreOptions(rootSHA256: pin, acceptLegacy: acceptLegacyBackup)
        do {
            let rows = try await withInstallation(storage) { app in
                try await BackupService(database: app.db, masterKey: app.licna.configuration.masterKey, clock: app.licna.configuration.clock).restore(open, options: options)
            }
            Terminal.say("cli.restore.done", ["rows": "\(rows)"])
        } catch let failure as BackupService.Failure {
            throw failure.explained()
        }
    }
}

/// Collects small writes into 1 MiB blocks.
final class BufferedWriter: @unchecked Sendable {
    private let handle: FileHandle
    private var buffer = Data()
    private let lock = NSLock()

    /// `false` for standard output, which is neither synced nor closed.
    private let isFile: Bool

    init(handle: FileHandle, isFile: Bool = true) {
        self.handle = handle
        self.isFile = isFile
    }

    func write(_ data: Data) {
        lock.lock(); defer { lock.unlock() }
        buffer.append(data)
        if buffer.count >= 1 << 20 { handle.write(buffer); buffer.removeAll(keepingCapacity: true) }
    }

    func close() throws {
        lock.lock(); defer { lock.unlock() }
        handle.write(buffer)
        guard isFile else { return }
        try handle.synchronize()
        try handle.close()
    }
}

/// The lines of a file, read in 1 MiB chunks.
struct LineSequence: Sequence, IteratorProtocol {
    let handle: FileHandle
    private var buffer = Data()
    private var atEnd = false

    init(handle: FileHandle) { self.handle = handle }

    mutating func next() -> Data? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                return Data(line)
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = Data() }
                return buffer
            }
            if let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { buffer.append(chunk) } else { atEnd = true }
        }
    }
}

/// Hands out the lines of a file to one reader at a time.
final class LockedLines: @unchecked Sendable {
    private var lines: LineSequence
    private let lock = NSLock()
    init(_ lines: LineSequence) { self.lines = lines }
    func next() -> Data? {
        lock.lock(); defer { lock.unlock() }
        return lines.next()
    }
}
