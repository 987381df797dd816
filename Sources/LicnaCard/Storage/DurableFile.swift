#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small file replaced atomically and durably: the new content goes to a temporary file in the same folder,
/// which is fsynced, renamed over the old one, and the folder fsynced, so that after a crash at any instant the
/// file holds either the old or the new content, never a mixture (the card image and its try counters).
/// Files are created with mode 0600: the image holds the card's private keys and reference data.
public struct DurableFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Why a read or a write failed, with the `errno` text.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public let operation: String
        public let path: String
        public let code: Int32
        public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    /// The whole content, or nil when the file does not exist.
    public func read() throws(Failure) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw Failure(operation: "open", path: path, code: errno)
        }
        defer { close(descriptor) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "read", path: path, code: errno)
            }
            if count == 0 { return content }
            content += chunk[0..<count]
        }
    }

    /// Replaces the content: write a temporary file, fsync it, rename it over the file, fsync the folder.
    public func write(_ content: [UInt8]) throws(Failure) {
        let temporary = path + ".new"
        unlink(temporary)  // left by a process killed mid-write; never reused with another owner's mode or a link
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(operation: "create", path: temporary, code: errno) }
        var written = 0
        while written < content.count {
            let count = content.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + written, content.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw Failure(operation: "write", path: temporary, code: code)
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let code = errno
            close(descriptor)
            unlink(temporary)
            throw Failure(operation: "fsync", path: temporary, code: code)
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure(operation: "rename", path: path, code: code)
        }
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        // Without the folder's fsync the rename itself may not survive a power loss: that is a failed write too.
        let folderDescriptor = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folderDescriptor >= 0 else { throw Failure(operation: "open folder", path: folder, code: errno) }
        defer { close(folderDescriptor) }
        guard fsync(folderDescriptor) == 0 else { throw Failure(operation: "fsync folder", path: folder, code: errno) }
    }
}

// The struct's own `read`/`write` hide the C functions' names inside it.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
