#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A listener on 127.0.0.1 only, answering one connection at a time (a card does one thing at a time): reads one
/// request (`AgentHTTPRequest`'s limits, 10 seconds at most to send it), answers, closes.
final class LoopbackHTTPServer {
    private let descriptor: Int32

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(port: Int) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw Failure(description: "127.0.0.1:\(port): \(reason)")
        }
    }

    deinit { close(descriptor) }

    /// Serves until the process ends.
    func serve(_ answer: (AgentHTTPRequest.Parse) -> AgentHTTPResponse?) -> Never {
        while true {
            let connection = accept(descriptor, nil, nil)
            guard connection >= 0 else { continue }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let started = ContinuousClock.now
            var bytes: [UInt8] = []
            var parse = AgentHTTPRequest.Parse.incomplete
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while case .incomplete = parse, ContinuousClock.now - started < .seconds(10) {
                let count = read(connection, &buffer, buffer.count)
                guard count > 0 else { break }
                bytes += buffer[0..<count]
                parse = AgentHTTPRequest.parse(bytes)
            }
            if let response = answer(parse) {
                let wire = response.serialized
                var sent = 0
                while sent < wire.count {
                    let count = wire[sent...].withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                    guard count > 0 else { break }
                    sent += count
                }
            }
            close(connection)
        }
    }
}
