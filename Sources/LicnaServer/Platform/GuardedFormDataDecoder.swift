import NIOCore
import Vapor

/// Vapor's `multipart/form-data` decoder behind a guard. MultipartKit 4.7.1's parser traps — and so stops the whole
/// server — on two inputs that any client can send to any route that decodes content, signed in or not: a byte at or
/// above 0x80 in a part's header name (`isAllowedHeaderFieldNameCharacter` indexes a 128-entry table with it) and an
/// empty `boundary` parameter (`precondition(!boundary.isEmpty)`). This decoder refuses both, and boundaries longer
/// than RFC 2046 §5.1.1 allows (70 characters), with 400, and hands every other body to `FormDataDecoder` unchanged.
/// Schemathesis found the first (`tests/interop/test_openapi.py`).
struct GuardedFormDataDecoder: ContentDecoder {
    /// RFC 2046 §5.1.1: a boundary has 1 to 70 characters.
    static let maximumBoundaryLength = 70
    let decoder = FormDataDecoder()

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        try decode(D.self, from: body, headers: headers, userInfo: [:])
    }

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders,
                              userInfo: [CodingUserInfoKey: any Sendable]) throws -> D {
        if let boundary = headers.contentType?.parameters["boundary"] {
            guard !boundary.isEmpty, boundary.utf8.count <= Self.maximumBoundaryLength,
                  Self.headerNamesAreASCII(Array(body.readableBytesView), delimiter: Array("--\(boundary)".utf8)) else {
                throw LicnaHTTPError.badRequest
            }
        }
        return try decoder.decode(D.self, from: body, headers: headers, userInfo: userInfo)
    }

    /// Whether every header name the parser could read is ASCII. Header lines follow a delimiter line
    /// (`--boundary` CRLF, RFC 2046 §5.1.1); every occurrence of the delimiter is taken as one, which is stricter than
    /// the parser, never looser. A name runs to its colon, or to CR on a line without one.
    static func headerNamesAreASCII(_ bytes: [UInt8], delimiter: [UInt8]) -> Bool {
        let colon = UInt8(ascii: ":"), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        for end in occurrences(of: delimiter, in: bytes) {
            guard end + 1 < bytes.count, bytes[end] == cr, bytes[end + 1] == lf else { continue }
            var index = end + 2
            while index < bytes.count {
                while index < bytes.count, bytes[index] != colon, bytes[index] != cr {
                    if bytes[index] >= 0x80 { return false }
                    index += 1
                }
                guard index < bytes.count, bytes[index] == colon else { break }
                while index < bytes.count, bytes[index] != cr { index += 1 }
                index += 2
            }
        }
        return true
    }

    /// The index just past each occurrence of `pattern` in `bytes`, overlapping ones included (Knuth–Morris–Pratt, so
    /// linear in the body whatever it holds).
    static func occurrences(of pattern: [UInt8], in bytes: [UInt8]) -> [Int] {
        guard !pattern.isEmpty else { return [] }
        var failure = [Int](repeating: 0, count: pattern.count)
        var length = 0
        for index in 1..<max(1, pattern.count) {
            while length > 0, pattern[index] != pattern[length] { length = failure[length - 1] }
            if pattern[index] == pattern[length] { length += 1 }
            failure[index] = length
        }
        var ends: [Int] = []
        var matched = 0
        for (index, byte) in bytes.enumerated() {
            while matched > 0, byte != pattern[matched] { matched = failure[matched - 1] }
            if byte == pattern[matched] { matched += 1 }
            if matched == pattern.count {
                ends.append(index + 1)
                matched = failure[matched - 1]
            }
        }
        return ends
    }
}
