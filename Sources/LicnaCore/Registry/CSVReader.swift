import Foundation
import LicnaBasics

/// Reads RFC 4180 CSV from bytes: fields separated by commas, optionally quoted with `"` (a quote inside a
/// quoted field is doubled), records ended by CRLF or LF. A record may span lines inside quotes; the reader
/// reports the physical line each record starts on, so errors can name it.
public struct CSVReader<Bytes: IteratorProtocol> where Bytes.Element == UInt8 {
    private var bytes: Bytes
    private var pending: UInt8?
    private var line = 1
    private var atEnd = false

    /// A problem in the CSV syntax itself (message `error.csv.<code>`).
    public struct SyntaxError: LicnaError, Hashable {
        public let line: Int
        public let code: ErrorCode

        public init(line: Int, code: ErrorCode) {
            self.line = line
            self.code = code
        }

        /// The stable reason code, as import reports print it.
        public var reason: String { code.rawValue }
        public var category: ErrorCategory { .invalidInput }
        public var messageKey: String { "error.csv." + code.rawValue }
        public var arguments: [String: String] { ["line": String(line)] }
        public var detail: String { "line \(line)" }

        /// Every code a `SyntaxError` carries.
        public static var allCodes: [ErrorCode] { [.csvUnterminatedQuote, .csvStrayQuote, .csvTextAfterQuote] }
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
                    if quoted { throw SyntaxError(line: startLine, code: .csvUnterminatedQuote) }
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
                    guard field.isEmpty, !wasQuoted else { throw SyntaxError(line: line, code: .csvStrayQuote) }
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
                    guard !wasQuoted else { throw SyntaxError(line: line, code: .csvTextAfterQuote) }
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
                // Quotes doubled scalar by scalar: a quote followed by a combining mark is one Character, which a
                // Character-wise replacement would leave single (the CSV fuzzer's finding).
                var escaped = String.UnicodeScalarView()
                for scalar in field.unicodeScalars {
                    if scalar == "\"" { escaped.append(scalar) }
                    escaped.append(scalar)
                }
                return "\"" + String(escaped) + "\""
            }
            return field
        }.joined(separator: ",") + "\n"
    }
}

extension ErrorCode {
    /// A quoted field is not closed before the end of the input (RFC 4180 §2.5).
    public static let csvUnterminatedQuote = ErrorCode("unterminated-quote")
    /// A quote inside an unquoted field, or a second opening quote (RFC 4180 §2.5).
    public static let csvStrayQuote = ErrorCode("stray-quote")
    /// Text between a closing quote and the next comma or line end (RFC 4180 §2.7).
    public static let csvTextAfterQuote = ErrorCode("text-after-quote")
}
