import Foundation

/// Reads RFC 4180 CSV from bytes: fields separated by commas, optionally quoted with `"` (a quote inside a
/// quoted field is doubled), records ended by CRLF or LF. A record may span lines inside quotes; the reader
/// reports the physical line each record starts on, so errors can name it.
public struct CSVReader<Bytes: IteratorProtocol> where Bytes.Element == UInt8 {
    private var bytes: Bytes
    private var pending: UInt8?
    private var line = 1
    private var atEnd = false

    /// A problem in the CSV syntax itself.
    public struct SyntaxError: Error, Hashable, Sendable {
        public let line: Int
        public let reason: String
    }

    public init(_ bytes: Bytes) { self.bytes = bytes }

    private mutating func nextByte() -> UInt8? {
        if let byte = pending { pending = nil; return byte }
        return bytes.next()
    }

    /// The next record and the line it starts on, or `nil` at the end of input. Blank lines are skipped.
    public mutating func nextRecord() throws(SyntaxError) -> (line: Int, fields: [String])? {
        while !atEnd {
            let startLine = line
            var fields: [String] = []
            var field: [UInt8] = []
            var quoted = false, wasQuoted = false, sawAny = false
            while true {
                guard let byte = nextByte() else {
                    atEnd = true
                    if quoted { throw SyntaxError(line: startLine, reason: "unterminated-quote") }
                    if !sawAny { return nil }
                    fields.append(String(decoding: field, as: UTF8.self))
                    return (startLine, fields)
                }
                sawAny = true
                if quoted {
                    if byte == UInt8(ascii: "\"") {
                        if let next = nextByte() {
                            if next == UInt8(ascii: "\"") { field.append(next); continue }
                            pending = next
                        }
                        quoted = false
                    } else {
                        if byte == UInt8(ascii: "\n") { line += 1 }
                        field.append(byte)
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""):
                    guard field.isEmpty, !wasQuoted else { throw SyntaxError(line: line, reason: "stray-quote") }
                    quoted = true
                    wasQuoted = true
                case UInt8(ascii: ","):
                    fields.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                    wasQuoted = false
                case UInt8(ascii: "\r"):
                    continue
                case UInt8(ascii: "\n"):
                    line += 1
                    if fields.isEmpty, field.isEmpty, !wasQuoted { sawAny = false; continue }
                    fields.append(String(decoding: field, as: UTF8.self))
                    return (startLine, fields)
                default:
                    guard !wasQuoted else { throw SyntaxError(line: line, reason: "text-after-quote") }
                    field.append(byte)
                }
            }
        }
        return nil
    }
}

/// Writes CSV fields, quoting where RFC 4180 requires it.
public enum CSVWriter {
    public static func line(_ fields: [String]) -> String {
        fields.map { field in
            // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
            if field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return field
        }.joined(separator: ",") + "\n"
    }
}
