import Foundation
import LicnaCore

/// Finds the master key (CONVENTIONS.md): `LICNA_MASTER_KEY`, else an explicit key file, else — for SQLite only —
/// the default key file in the user's configuration folder, created on first use with mode 0600.
public struct MasterKeySource: Sendable {
    public var environmentValue: String?
    public var keyFile: String?
    public var defaultDirectory: String

    /// The key and where it came from (never the key itself), and whether it was just created.
    public struct Loaded: Sendable {
        public let key: MasterKey
        public let origin: String
        public let created: Bool
    }

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, keyFile: String? = nil) {
        self.environmentValue = environment["LICNA_MASTER_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        self.keyFile = keyFile
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config")
        self.defaultDirectory = (configHome as NSString).appendingPathComponent("licna")
    }

    public var defaultFile: String { (defaultDirectory as NSString).appendingPathComponent("master.key") }

    public func load(for storage: StorageLocation) throws -> Loaded {
        if let environmentValue {
            do { return Loaded(key: try MasterKey(text: environmentValue), origin: "LICNA_MASTER_KEY", created: false) } catch {
                throw MasterKeyError.format(origin: "LICNA_MASTER_KEY")
            }
        }
        if let keyFile { return try read(keyFile) }
        if case .postgres = storage {
            throw MasterKeyError.postgresExplicit
        }
        if FileManager.default.fileExists(atPath: defaultFile) { return try read(defaultFile) }
        let key = MasterKey.generate()
        do {
            try FileManager.default.createDirectory(atPath: defaultDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try SecretFile.write(key.hexEncoded + "\n", to: defaultFile)
        } catch {
            throw MasterKeyError.create(path: defaultFile)
        }
        return Loaded(key: key, origin: defaultFile, created: true)
    }

    private func read(_ path: String) throws -> Loaded {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw MasterKeyError.unreadable(path: path)
        }
        do { return Loaded(key: try MasterKey(text: text), origin: path, created: false) } catch {
            throw MasterKeyError.format(origin: path)
        }
    }
}

/// Writes files that hold secrets or personal data: created with mode 0600 before any byte is written.
public enum SecretFile {
    public static func write(_ text: String, to path: String) throws {
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission) }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw CocoaError(.fileWriteUnknown) }
            offset += written
        }
    }

    /// Opens (creating or truncating) a file with mode 0600 for streaming writes.
    public static func open(forWriting path: String) throws -> FileHandle {
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission) }
        fchmod(fd, 0o600)
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }
}
