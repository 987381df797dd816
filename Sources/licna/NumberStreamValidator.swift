import Foundation
import LicnaCore

/// Validates one number per line from a file descriptor to another, in large blocks and without allocating per
/// line: the hot path behind `licna numbers validate` (2,000,000 numbers a second is the target).
struct NumberStreamValidator {
    let scheme: Numbers.Scheme
    let today: Int

    static func reason(_ bytes: [UInt8], scheme: Numbers.Scheme, today: Int) -> String? {
        bytes.withUnsafeBufferPointer { reason($0, scheme: scheme, today: today) }
    }

    static func reason(_ bytes: UnsafeBufferPointer<UInt8>, scheme: Numbers.Scheme, today: Int) -> String? {
        switch scheme {
        case .jmbg:
            return JMBG.invalidity(of: bytes, today: today)?.rawValue
        case .identification:
            do { _ = try IdentificationNumber(String(decoding: bytes, as: UTF8.self)); return nil } catch { return error.reason }
        }
    }

    /// Returns `true` when every line was valid.
    func run(input: Int32, output: Int32) -> Bool {
        let blockSize = 1 << 20
        var block = [UInt8](repeating: 0, count: blockSize)
        var carry: [UInt8] = []
        var out = [UInt8]()
        out.reserveCapacity(blockSize * 2)
        var allValid = true
        let validWord = Array(" valid\n".utf8)
        let invalidWord = Array(" invalid: ".utf8)
        var reasonBytes: [String: [UInt8]] = [:]

        func emit(_ line: UnsafeBufferPointer<UInt8>) {
            var end = line.count
            while end > 0, line[end - 1] == 13 || line[end - 1] == 32 || line[end - 1] == 9 { end -= 1 }
            var start = 0
            while start < end, line[start] == 32 || line[start] == 9 { start += 1 }
            let trimmed = UnsafeBufferPointer(rebasing: line[start..<end])
            if trimmed.isEmpty { return }
            out.append(contentsOf: trimmed)
            if let reason = Self.reason(trimmed, scheme: scheme, today: today) {
                allValid = false
                out.append(contentsOf: invalidWord)
                out.append(contentsOf: reasonBytes[reason, default: Array((reason + "\n").utf8)])
            } else {
                out.append(contentsOf: validWord)
            }
        }

        while true {
            let count = block.withUnsafeMutableBytes { read(input, $0.baseAddress, blockSize) }
            if count < 0 { if errno == EINTR { continue }; break }
            if count == 0 { break }
            block.withUnsafeBufferPointer { buffer in
                var lineStart = 0
                for index in 0..<count where buffer[index] == 10 {
                    if carry.isEmpty {
                        emit(UnsafeBufferPointer(rebasing: buffer[lineStart..<index]))
                    } else {
                        carry.append(contentsOf: buffer[lineStart..<index])
                        carry.withUnsafeBufferPointer { emit($0) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    lineStart = index + 1
                }
                carry.append(contentsOf: buffer[lineStart..<count])
            }
            if out.count >= blockSize { writeAll(output, out); out.removeAll(keepingCapacity: true) }
        }
        if !carry.isEmpty { carry.withUnsafeBufferPointer { emit($0) } }
        writeAll(output, out)
        return allValid
    }
}
