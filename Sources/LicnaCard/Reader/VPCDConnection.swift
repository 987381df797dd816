#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The card's end of vsmartcard's vpcd protocol (STANDARDS.md "vsmartcard vpcd"): a blocking TCP client that
/// connects to the virtual reader inside pcscd (127.0.0.1:35963 for slot 0) and serves a `SmartCard` until pcscd
/// closes the connection or the caller stops it. Connecting inserts the card into the reader; closing removes it.
///
/// pcscd sends power on/off and reset (no reply), get ATR (reply: the ATR) and command APDUs (reply: the
/// response). Plain POSIX sockets: LicnaCard depends on no server framework.
public final class VPCDConnection {
    public static let defaultHost = "127.0.0.1"
    /// vpcd's port for reader slot 0 (`/etc/reader.conf.d/vpcd`, channel 0x8C7B); slot 1 is 35964.
    public static let defaultPort: UInt16 = 35963

    /// Why connecting or serving failed, with what to do next.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public enum Operation: String, Hashable, Sendable {
            case resolve, connect, receive, send, wait
        }

        public let operation: Operation
        public let host: String
        public let port: UInt16
        /// The `errno` value, or for `resolve` the `getaddrinfo` code.
        public let code: Int32

        public var description: String {
            let address = "\(host):\(port)"
            switch operation {
            case .resolve:
                return "cannot resolve \(host): \(String(cString: gai_strerror(code))). Give the reader as HOST:PORT, e.g. 127.0.0.1:35963."
            case .connect:
                return "cannot connect to the virtual reader at \(address): \(String(cString: strerror(code))). "
                    + "Is pcscd running with vsmartcard-vpcd? Install them (apt-get install pcscd vsmartcard-vpcd) and start "
                    + "`pcscd -f` (Debian's service runs it with --auto-exit, which closes vpcd's port when idle)."
            case .receive, .send, .wait:
                return "the connection to the virtual reader at \(address) failed (\(operation.rawValue)): \(String(cString: strerror(code)))"
            }
        }
    }

    /// How `run` ended.
    public enum End: Hashable, Sendable {
        /// pcscd closed the connection (or reset it): the card is out of the reader.
        case peerClosed
        /// The caller asked to stop (a `Stop` was requested, a stop signal arrived, or the condition became true).
        case stopped
    }

    /// A stop request that wakes a blocked `run` at once, from any thread or from a signal handler (a self-pipe:
    /// requesting writes one byte, which `run` waits for beside the socket). Once requested it stays requested.
    public final class Stop: Sendable {
        fileprivate let readEnd: Int32
        fileprivate let writeEnd: Int32

        public init() {
            var ends: [Int32] = [-1, -1]
            let status = ends.withUnsafeMutableBufferPointer { pipe($0.baseAddress!) }
            precondition(status == 0, "pipe(): \(String(cString: strerror(errno)))")
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            }
            readEnd = ends[0]
            writeEnd = ends[1]
        }

        deinit {
            _ = systemClose(readEnd)
            _ = systemClose(writeEnd)
        }

        /// Asks `run` to return `.stopped`. Thread-safe and async-signal-safe.
        public func request() {
            var byte: UInt8 = 1
            _ = write(writeEnd, &byte, 1)
        }

        /// Whether a stop has been requested.
        public var isRequested: Bool {
            var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            return poll(&descriptor, 1, 0) == 1
        }

        /// A stop requested by the given signals (SIGINT and SIGTERM by default): their handlers are replaced by
        /// one that requests it. The process keeps one such stop; later calls return it and add the signals.
        public static func onSignals(_ signals: [Int32] = [SIGINT, SIGTERM]) -> Stop {
            let stop = signalStop
            for number in signals {
                _ = signal(number, { _ in
                    var byte: UInt8 = 1
                    _ = write(signalStopWriteEnd, &byte, 1)
                })
            }
            return stop
        }

        /// Lives as long as the process: a handler may run at any time.
        private static let signalStop: Stop = {
            let stop = Stop()
            signalStopWriteEnd = stop.writeEnd
            return stop
        }()
    }

    public let host: String
    public let port: UInt16
    private var descriptor: Int32
    private var decoder = VPCDFrameDecoder()
    private var isTCP = false

    /// Connects to vpcd; the card is in the reader from now until `run` returns or the connection is closed.
    public init(host: String = VPCDConnection.defaultHost, port: UInt16 = VPCDConnection.defaultPort) throws(Failure) {
        self.host = host
        self.port = port
        descriptor = try Self.connect(host: host, port: port)
        isTCP = true
    }

    /// Serves over a socket that is already connected (tests use a socket pair). The connection closes it.
    public init(connectedDescriptor: Int32, host: String = "socket", port: UInt16 = 0) {
        self.host = host
        self.port = port
        descriptor = connectedDescriptor
        Self.configure(connectedDescriptor)
    }

    deinit {
        close()
    }

    /// Takes the card out of the reader. `run` also closes the connection when it returns.
    public func close() {
        if descriptor >= 0 {
            _ = systemClose(descriptor)
            descriptor = -1
        }
    }

    /// Answers pcscd until it closes the connection or `stop` is requested, then closes the connection.
    @discardableResult
    public func run(card: some SmartCard, until stop: Stop? = nil) throws(Failure) -> End {
        defer { close() }
        return try serve(card: card, stopDescriptor: stop?.readEnd, condition: { false }, interval: -1)
    }

    /// Answers pcscd until it closes the connection or `condition` becomes true (checked between messages and at
    /// least every `interval` milliseconds), then closes the connection.
    @discardableResult
    public func run(card: some SmartCard, until condition: () -> Bool, interval: Int32 = 100) throws(Failure) -> End {
        defer { close() }
        return try serve(card: card, stopDescriptor: nil, condition: condition, interval: max(interval, 1))
    }

    private func serve(card: some SmartCard, stopDescriptor: Int32?, condition: () -> Bool, interval: Int32) throws(Failure) -> End {
        guard descriptor >= 0 else { return .peerClosed }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if condition() { return .stopped }
            var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            if let stopDescriptor { descriptors.append(pollfd(fd: stopDescriptor, events: Int16(POLLIN), revents: 0)) }
            let ready = descriptors.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), interval) }
            if ready < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: .wait, host: host, port: port, code: errno)
            }
            if descriptors.count > 1, descriptors[1].revents != 0 { return .stopped }
            guard descriptors[0].revents != 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                let code = errno
                if code == EINTR || code == EAGAIN { continue }
                if code == ECONNRESET { return .peerClosed }
                throw Failure(operation: .receive, host: host, port: port, code: code)
            }
            if count == 0 { return .peerClosed }
            acknowledgeAtOnce()
            for message in decoder.feed(buffer[0..<count]) {
                guard let reply = Self.answer(message, card: card) else { continue }
                if !(try send(VPCDFrameDecoder.frame(reply))) { return .peerClosed }
            }
        }
    }

    /// vpcd writes each frame with two sends (length, then payload) on a socket with Nagle's algorithm on, so the
    /// payload waits until the length is acknowledged; with Linux's delayed acknowledgement that costs 40 ms per
    /// message (every APDU and every presence poll). Quick acknowledgement removes the wait; the kernel leaves
    /// quick mode on its own, so it is asked again after every read.
    private func acknowledgeAtOnce() {
        #if canImport(Glibc)
        guard isTCP else { return }
        var on: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), quickAcknowledgement, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    /// What the card answers to one message from pcscd; nil for the messages that get no reply.
    static func answer(_ message: VPCDFrameDecoder.Message, card: some SmartCard) -> [UInt8]? {
        switch message {
        case .powerOff:
            card.powerOff()
            return nil
        case .powerOn, .reset:
            card.reset()
            return nil
        case .getATR:
            return card.atr
        case .apdu(let command):
            let response = card.transmit(command)
            // A frame holds at most 65,535 bytes; a longer response (extended Le of 65,536) cannot travel.
            return response.count <= 0xFFFF ? response : StatusWord.wrongLength.bytes
        case .unknownControl:
            return nil
        }
    }

    /// Writes a whole frame; false when pcscd has gone (the card is out of the reader).
    private func send(_ bytes: [UInt8]) throws(Failure) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { systemSend(descriptor, $0.baseAddress! + sent, bytes.count - sent) }
            if count < 0 {
                let code = errno
                if code == EINTR || code == EAGAIN { continue }
                if code == EPIPE || code == ECONNRESET { return false }
                throw Failure(operation: .send, host: host, port: port, code: code)
            }
            sent += count
        }
        return true
    }

    private static func connect(host: String, port: UInt16) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamSocketType
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else { throw Failure(operation: .resolve, host: host, port: port, code: status) }
        defer { freeaddrinfo(list) }
        var code = ECONNREFUSED
        var cursor = list
        while let info = cursor {
            cursor = info.pointee.ai_next
            let candidate = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard candidate >= 0 else {
                code = errno
                continue
            }
            var result: Int32
            repeat {
                result = systemConnect(candidate, info.pointee.ai_addr, info.pointee.ai_addrlen)
            } while result < 0 && errno == EINTR
            if result == 0 {
                configure(candidate)
                var on: Int32 = 1
                // Each message is a small frame answered at once: no Nagle delay.
                _ = setsockopt(candidate, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
                return candidate
            }
            code = errno
            _ = systemClose(candidate)
        }
        throw Failure(operation: .connect, host: host, port: port, code: code)
    }

    private static func configure(_ descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        #if canImport(Darwin)
        var on: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }
}

/// The write end of the process's signal stop pipe, read by the signal handler (set once, before any handler).
nonisolated(unsafe) private var signalStopWriteEnd: Int32 = -1

#if canImport(Glibc)
/// `TCP_QUICKACK` (`netinet/tcp.h`), which Glibc's module does not export.
private let quickAcknowledgement: Int32 = 12
private let streamSocketType = Int32(SOCK_STREAM.rawValue)
private func systemSend(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    Glibc.send(descriptor, buffer, count, Int32(MSG_NOSIGNAL))
}
private func systemConnect(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>!, _ length: socklen_t) -> Int32 {
    Glibc.connect(descriptor, address, length)
}
private func systemClose(_ descriptor: Int32) -> Int32 { Glibc.close(descriptor) }
#else
private let streamSocketType = SOCK_STREAM
private func systemSend(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    Darwin.send(descriptor, buffer, count, 0)
}
private func systemConnect(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>!, _ length: socklen_t) -> Int32 {
    Darwin.connect(descriptor, address, length)
}
private func systemClose(_ descriptor: Int32) -> Int32 { Darwin.close(descriptor) }
#endif
