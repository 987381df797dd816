import Foundation
import LicnaBasics

/// A document's bytes, or a translated error and exit status 3: unreadable, or larger than
/// ``DocumentLimits/maximumDocumentBytes`` (checked from the file's size before anything is read, so a huge file
/// costs no memory). PDFs are parsed whole; a detached file of any size is hashed as it streams by instead.
public func readDocument(_ path: String) throws -> [UInt8] {
    guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
          let handle = FileHandle(forReadingAtPath: path) else {
        throw explained(Exit.failed, "cli.import.unreadable", ["file": path])
    }
    defer { try? handle.close() }
    guard size.intValue <= DocumentLimits.maximumDocumentBytes else {
        throw explained(Exit.failed, "cli.document.too-large", documentTooLargeArguments(path))
    }
    do {
        return Array(try handle.readToEnd() ?? Data())
    } catch {
        throw explained(Exit.failed, "cli.import.unreadable", ["file": path])
    }
}

/// The arguments of `cli.document.too-large`: the file and the limit as people read it.
func documentTooLargeArguments(_ path: String) -> [String: String] {
    ["file": path, "limit": DocumentLimits.maximumDocumentSize]
}
