import Foundation
import LicnaCore

/// Reads a CSV file in 1 MiB chunks, so that a registry of millions of rows needs little memory.
struct CSVFileReader {
    private var reader: CSVReader<ChunkedFileBytes>

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportFailure(line: 0, reason: "unreadable")
        }
        reader = CSVReader(ChunkedFileBytes(handle: handle))
    }

    mutating func next() throws -> (Int, [String])? {
        do {
            guard let record = try reader.nextRecord() else { return nil }
            return (record.line, record.fields)
        } catch {
            throw ImportFailure(line: error.line, reason: "csv-\(error.reason)")
        }
    }
}

/// The bytes of a file, read a chunk at a time.
struct ChunkedFileBytes: IteratorProtocol {
    let handle: FileHandle
    private var chunk: [UInt8] = []
    private var index = 0

    init(handle: FileHandle) { self.handle = handle }

    mutating func next() -> UInt8? {
        if index == chunk.count {
            guard let data = try? handle.read(upToCount: 1 << 20), !data.isEmpty else { return nil }
            chunk = Array(data)
            index = 0
        }
        defer { index += 1 }
        return chunk[index]
    }
}
