#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
@testable import LicnaCard
import Testing

/// A card that records what the reader did and answers every APDU with its first byte and `90 00`.
private final class RecordingCard: SmartCard, @unchecked Sendable {
    enum Event: Hashable { case reset, powerOff, transmit([UInt8]) }
    let atr: [UInt8] = [0x3B, 0x88, 0x80, 0x01, 0x4C, 0x49, 0x43, 0x4E, 0x41, 0x30, 0x30, 0x31, 0x00]
    var events: [Event] = []
    var responseSize = 0

    func reset() { events.append(.reset) }
    func powerOff() { events.append(.powerOff) }
    func transmit(_ command: [UInt8]) -> [UInt8] {
        events.append(.transmit(command))
        if responseSize > 0 { return [UInt8](repeating: 0xAB, count: responseSize) + [0x90, 0x00] }
        return [command[0], 0x90, 0x00]
    }
}

#if canImport(Glibc)
private let streamType = Int32(SOCK_STREAM.rawValue)
#else
private let streamType = SOCK_STREAM
#endif

/// Two connected sockets: the card's end and pcscd's end.
private func socketPair() -> (card: Int32, reader: Int32) {
    var ends: [Int32] = [-1, -1]
    let status = ends.withUnsafeMutableBufferPointer { socketpair(AF_UNIX, streamType, 0, $0.baseAddress) }
    precondition(status == 0)
    return (ends[0], ends[1])
}

private func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
    var sent = 0
    while sent < bytes.count {
        let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + sent, bytes.count - sent) }
        precondition(count > 0)
        sent += count
    }
}

/// Everything the card wrote until it closed its end.
private func readToEnd(_ descriptor: Int32) -> [UInt8] {
    var all: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count <= 0 { return all }
        all += chunk[0..<count]
    }
}

private func frames(_ payloads: [UInt8]...) -> [UInt8] { payloads.flatMap(VPCDFrameDecoder.frame) }

/// A loopback listener on a free port.
private func listener() -> (descriptor: Int32, port: UInt16) {
    let descriptor = socket(AF_INET, streamType, 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
    precondition(bound == 0 && listen(descriptor, 4) == 0)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
    return (descriptor, UInt16(bigEndian: address.sin_port))
}

@Suite struct VPCDConnectionTests {
    @Test func controlMessagesAndAPDUsAreAnsweredInOrder() throws {
        let (cardEnd, readerEnd) = socketPair()
        defer { close(readerEnd) }
        let card = RecordingCard()
        // What pcscd sends when a card appears: power on, get ATR; then APDUs, a reset, an unknown control, power off.
        writeAll(readerEnd, frames([0x01], [0x04], [0x00, 0xA4, 0x04, 0x00], [0x02], [0x09], [0x7F, 0xCA, 0x00, 0x00, 0x00], [0x00]))
        shutdown(readerEnd, Int32(SHUT_WR))
        let end = try VPCDConnection(connectedDescriptor: cardEnd).run(card: card)
        #expect(end == .peerClosed)
        #expect(card.events == [.reset, .transmit([0x00, 0xA4, 0x04, 0x00]), .reset, .transmit([0x7F, 0xCA, 0x00, 0x00, 0x00]), .powerOff])
        // Replies only for get ATR and the two APDUs, each framed; then the card closed its end.
        #expect(readToEnd(readerEnd) == frames(card.atr, [0x00, 0x90, 0x00], [0x7F, 0x90, 0x00]))
    }

    @Test func framesSplitAcrossReadsAreReassembled() throws {
        let (cardEnd, readerEnd) = socketPair()
        defer { close(readerEnd) }
        let card = RecordingCard()
        let stream = frames([0x01], [0x04], [UInt8](repeating: 0x11, count: 300))
        let writer = Thread {
            for byte in stream {
                writeAll(readerEnd, [byte])
                usleep(200)
            }
            shutdown(readerEnd, Int32(SHUT_WR))
        }
        writer.start()
        let end = try VPCDConnection(connectedDescriptor: cardEnd).run(card: card)
        #expect(end == .peerClosed)
        #expect(card.events == [.reset, .transmit([UInt8](repeating: 0x11, count: 300))])
        #expect(readToEnd(readerEnd) == frames(card.atr, [0x11, 0x90, 0x00]))
    }

    @Test func aStopRequestFromAnotherThreadEndsTheWaitAtOnce() throws {
        let (cardEnd, readerEnd) = socketPair()
        defer { close(readerEnd) }
        let stop = VPCDConnection.Stop()
        #expect(!stop.isRequested)
        let requester = Thread {
            usleep(50_000)
            stop.request()
        }
        let started = ContinuousClock.now
        requester.start()
        let end = try VPCDConnection(connectedDescriptor: cardEnd).run(card: RecordingCard(), until: stop)
        #expect(end == .stopped)
        #expect(stop.isRequested)
        #expect(ContinuousClock.now - started < .seconds(5))
        // The card left the reader: pcscd's end reads end-of-file.
        #expect(readToEnd(readerEnd) == [])
    }

    @Test func aConditionIsCheckedWhileWaiting() throws {
        let (cardEnd, readerEnd) = socketPair()
        defer { close(readerEnd) }
        var checks = 0
        let end = try VPCDConnection(connectedDescriptor: cardEnd).run(card: RecordingCard(), until: {
            checks += 1
            return checks >= 3
        }, interval: 10)
        #expect(end == .stopped)
        #expect(checks == 3)
    }

    @Test func aReaderThatVanishesMidAnswerEndsTheSessionWithoutSIGPIPE() throws {
        let (cardEnd, readerEnd) = socketPair()
        let card = RecordingCard()
        card.responseSize = 60_000
        writeAll(readerEnd, frames([0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00]))
        close(readerEnd)
        // The response cannot be delivered: the send fails with EPIPE, which must end the session, not the process.
        let end = try VPCDConnection(connectedDescriptor: cardEnd).run(card: card)
        #expect(end == .peerClosed)
        #expect(card.events.count == 1)
    }

    @Test func aResponseTooLongForOneFrameIsWrongLength() {
        let card = RecordingCard()
        card.responseSize = 65_534
        let reply = VPCDConnection.answer(.apdu([0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00]), card: card)
        #expect(reply == [0x67, 0x00])
        card.responseSize = 65_533
        let longest = VPCDConnection.answer(.apdu([0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00]), card: card)
        #expect(longest?.count == 65_535)
    }

    @Test func connectsOverTCPToALoopbackListener() throws {
        let (listening, port) = listener()
        defer { close(listening) }
        let connection = try VPCDConnection(host: "127.0.0.1", port: port)
        let readerEnd = accept(listening, nil, nil)
        #expect(readerEnd >= 0)
        defer { close(readerEnd) }
        let card = RecordingCard()
        writeAll(readerEnd, frames([0x01], [0x04], [0x00, 0x20, 0x00, 0x80]))
        shutdown(readerEnd, Int32(SHUT_WR))
        let end = try connection.run(card: card)
        #expect(end == .peerClosed)
        #expect(readToEnd(readerEnd) == frames(card.atr, [0x00, 0x90, 0x00]))
    }

    /// vpcd sends a frame's length and payload in two writes with Nagle's algorithm on; without quick
    /// acknowledgement every message would wait for the card's delayed ACK (40 ms on Linux).
    @Test func framesWrittenInTwoPiecesAreNotDelayedByAcknowledgements() throws {
        let (listening, port) = listener()
        defer { close(listening) }
        let connection = try VPCDConnection(host: "127.0.0.1", port: port)
        let readerEnd = accept(listening, nil, nil)
        defer { close(readerEnd) }
        let exchanges = 25
        let reader = Thread {
            var reply = [UInt8](repeating: 0, count: 16)
            for _ in 0..<exchanges {
                writeAll(readerEnd, [0x00, 0x04])
                writeAll(readerEnd, [0x00, 0x20, 0x00, 0x80])
                var got = 0
                while got < 5 {
                    let count = reply.withUnsafeMutableBytes { read(readerEnd, $0.baseAddress! + got, 16 - got) }
                    if count <= 0 { break }
                    got += count
                }
            }
            shutdown(readerEnd, Int32(SHUT_WR))
        }
        let started = ContinuousClock.now
        reader.start()
        let card = RecordingCard()
        let end = try connection.run(card: card)
        let elapsed = ContinuousClock.now - started
        #expect(end == .peerClosed)
        #expect(card.events.count == exchanges)
        #if canImport(Glibc)
        #expect(elapsed < .milliseconds(exchanges * 40 / 2), "\(elapsed) for \(exchanges) exchanges")
        #endif
    }

    @Test func refusedConnectionsSayWhatToStart() throws {
        let (listening, port) = listener()
        close(listening)
        do {
            _ = try VPCDConnection(host: "127.0.0.1", port: port)
            Issue.record("connected to a closed port")
        } catch {
            #expect(error.operation == .connect)
            #expect(error.code == ECONNREFUSED)
            #expect(error.description.contains("127.0.0.1:\(port)"))
            #expect(error.description.contains("Is pcscd running with vsmartcard-vpcd?"))
        }
        #expect(throws: VPCDConnection.Failure.self) { try VPCDConnection(host: "no-such-host.invalid", port: 1) }
    }
}
