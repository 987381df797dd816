/// One HTTP/1.1 request as `licna-card agent` reads it from a loopback connection (RFC 9112): the request line,
/// header fields and a body of `Content-Length` bytes. Deliberately narrow, because every byte comes from whatever
/// runs on the computer or any web page that reaches loopback: the head is at most 8 KiB of visible ASCII, a body at
/// most 8 KiB, no chunked transfer coding, no obsolete line folding, no whitespace before a field's colon
/// (RFC 9112 §5.1, against request smuggling), one `Content-Length` at most.
public struct AgentHTTPRequest: Sendable, Equatable {
    public var method: String
    public var target: String
    /// Field names lower-cased, in arrival order.
    public var fields: [Field]
    public var body: [UInt8]

    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public init(method: String, target: String, fields: [Field], body: [UInt8]) {
        self.method = method
        self.target = target
        self.fields = fields
        self.body = body
    }

    public static let maximumHead = 8_192
    public static let maximumBody = 8_192

    public enum Parse: Sendable, Equatable {
        /// More bytes are needed.
        case incomplete
        case complete(AgentHTTPRequest)
        /// Not a request this agent accepts; the reason is for the log.
        case invalid(String)
    }

    /// The values of field `name` (case-insensitive).
    public func values(_ name: String) -> [String] {
        let name = name.lowercased()
        return fields.filter { $0.name == name }.map(\.value)
    }

    /// The one value of field `name`, or nil when it is absent or repeated.
    public func value(_ name: String) -> String? {
        let values = values(name)
        return values.count == 1 ? values[0] : nil
    }

    /// Parses the bytes read so far from a connection.
    public static func parse(_ bytes: [UInt8]) -> Parse {
        guard let end = headEnd(bytes) else {
            return bytes.count > maximumHead ? .invalid("the request head is longer than \(maximumHead) bytes") : .incomplete
        }
        guard end <= maximumHead else { return .invalid("the request head is longer than \(maximumHead) bytes") }
        let head = bytes[..<end]
        for byte in head where !(byte == 0x0D || byte == 0x0A || byte == 0x09 || (0x20...0x7E).contains(byte)) {
            return .invalid("the request head holds a byte that is not visible ASCII")
        }
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }), parts[1].hasPrefix("/"),
              parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0" else {
            return .invalid("the request line is not METHOD /path HTTP/1.1")
        }
        var fields: [Field] = []
        for line in lines.dropFirst() {
            guard let first = line.first, first != " ", first != "\t" else { return .invalid("obsolete line folding or an empty field line") }
            guard let colon = line.firstIndex(of: ":") else { return .invalid("a field line without a colon") }
            let name = line[..<colon]
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "!#$%&'*+-.^_`|~".contains($0)) }) else {
                return .invalid("a field name with a character outside RFC 9110's token")
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: [" ", "\t"])
            fields.append(Field(name: name.lowercased(), value: value))
        }
        var request = AgentHTTPRequest(method: String(parts[0]), target: String(parts[1]), fields: fields, body: [])
        guard request.values("transfer-encoding").isEmpty else { return .invalid("transfer codings are not accepted; send Content-Length") }
        let lengths = request.values("content-length")
        guard lengths.count <= 1 else { return .invalid("Content-Length is repeated") }
        var length = 0
        if let text = lengths.first {
            guard !text.isEmpty, text.count <= 6, text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text) else {
                return .invalid("Content-Length is not a number")
            }
            length = number
        }
        guard length <= maximumBody else { return .invalid("the body is longer than \(maximumBody) bytes") }
        let bodyStart = end + 4
        guard bytes.count >= bodyStart + length else { return .incomplete }
        guard bytes.count == bodyStart + length else { return .invalid("bytes after the request (pipelining is not accepted)") }
        request.body = Array(bytes[bodyStart...])
        return .complete(request)
    }

    /// The index of the blank line's CR LF CR LF, if it has arrived.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 0x0D && bytes[index + 1] == 0x0A && bytes[index + 2] == 0x0D && bytes[index + 3] == 0x0A {
            return index
        }
        return nil
    }
}

/// An answer of the agent.
public struct AgentHTTPResponse: Sendable, Equatable {
    public var status: Int
    public var fields: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, fields: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.fields = fields
        self.body = body
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body && lhs.fields.map { "\($0.0): \($0.1)" } == rhs.fields.map { "\($0.0): \($0.1)" }
    }

    public func value(_ name: String) -> String? { fields.first { $0.0.lowercased() == name.lowercased() }?.1 }

    /// The bytes on the wire; the connection closes after each answer.
    public var serialized: [UInt8] {
        let reasons = [200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
                       405: "Method Not Allowed", 415: "Unsupported Media Type", 423: "Locked", 500: "Internal Server Error",
                       503: "Service Unavailable"]
        var head = "HTTP/1.1 \(status) \(reasons[status] ?? "Status")\r\n"
        for (name, value) in fields { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + body
    }
}
