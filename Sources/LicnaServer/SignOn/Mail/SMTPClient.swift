#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A minimal SMTP client (RFC 5321) for a relay the operator runs (the host's MTA): EHLO, MAIL FROM, RCPT TO,
/// DATA, QUIT, each reply checked; 10 seconds per read or write. No TLS and no authentication: the relay is
/// expected on the host or its private network, as `docs/signon.md` says.
struct SMTPClient {
    let host: String
    let port: Int

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func deliver(_ message: String, from: String, to: String) throws {
        let socket = try open()
        defer { close(socket) }
        var reader = ReplyReader(socket: socket)
        try reader.expect(220, after: "connect")
        try command(socket, "EHLO licna", &reader, expect: 250)
        try command(socket, "MAIL FROM:<\(from)>", &reader, expect: 250)
        try command(socket, "RCPT TO:<\(to)>", &reader, expect: 250, or: 251)
        try command(socket, "DATA", &reader, expect: 354)
        // The message's lines are headers and base64: none begins with a dot, so none needs RFC 5321 §4.5.2 stuffing.
        try transmit(socket, message + ".\r\n")
        try reader.expect(250, after: "the message")
        try? transmit(socket, "QUIT\r\n")
    }

    private func command(_ socket: Int32, _ line: String, _ reader: inout ReplyReader, expect code: Int, or other: Int? = nil) throws {
        try transmit(socket, line + "\r\n")
        try reader.expect(code, or: other, after: String(line.prefix(4)))
    }

    private func open() throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
            throw Failure(description: "cannot resolve the SMTP host \(host)")
        }
        defer { freeaddrinfo(result) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            let descriptor = socket(current.pointee.ai_family, current.pointee.ai_socktype, current.pointee.ai_protocol)
            if descriptor >= 0 {
                var timeout = timeval(tv_sec: 10, tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if connect(descriptor, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 { return descriptor }
                close(descriptor)
            }
            entry = current.pointee.ai_next
        }
        throw Failure(description: "cannot connect to the SMTP relay \(host):\(port)")
    }

    private func transmit(_ socket: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw Failure(description: "the SMTP relay closed the connection") }
            sent += count
        }
    }

    /// Reads replies line by line; a multi-line reply's lines have `-` after the code (RFC 5321 §4.2.1).
    struct ReplyReader {
        let socket: Int32
        var buffer: [UInt8] = []

        mutating func line() throws -> String {
            while true {
                if let end = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    buffer.removeFirst(end + 1)
                    return line
                }
                guard buffer.count < 65_536 else { throw Failure(description: "an SMTP reply line is too long") }
                var chunk = [UInt8](repeating: 0, count: 1_024)
                let count = recv(socket, &chunk, chunk.count, 0)
                guard count > 0 else { throw Failure(description: "the SMTP relay did not answer") }
                buffer += chunk[0..<count]
            }
        }

        mutating func expect(_ code: Int, or other: Int? = nil, after what: String) throws {
            while true {
                let line = try line()
                guard line.count >= 3, let got = Int(line.prefix(3)) else { throw Failure(description: "not an SMTP reply after \(what)") }
                if line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
                guard got == code || got == other else { throw Failure(description: "the SMTP relay answered \(String(line.prefix(200))) after \(what)") }
                return
            }
        }
    }
}
