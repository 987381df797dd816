#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LicnaCard
import Testing

@testable import LicnaCardClient

/// The PC/SC channel against a real pcscd: a fake PIV card is plugged into vsmartcard's vpcd (STANDARDS.md
/// "vsmartcard vpcd") and driven through pcsc-lite. Needs `pcscd -f` with vsmartcard-vpcd; opt in with
/// `LICNA_VPCD_PORT` (35964 is the second slot, "Virtual PCD 00 01", out of the way of suites on slot 0).
@Suite(.serialized) struct VPCDInteropTests {
    // Needs pcscd -f with vsmartcard-vpcd and LICNA_VPCD_PORT; always runs with CI=true (scripts/test sets both).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CI"] == "true" || ProcessInfo.processInfo.environment["LICNA_VPCD_PORT"] != nil,
                   "needs pcscd with vsmartcard-vpcd and LICNA_VPCD_PORT (scripts/test sets it)"))
    func pivOverPCSC() throws {
        let portText = try #require(ProcessInfo.processInfo.environment["LICNA_VPCD_PORT"], "LICNA_VPCD_PORT is not set")
        let port = try #require(UInt16(portText), "LICNA_VPCD_PORT is not a port: \(portText)")
        let readerName = port == 35963 ? "Virtual PCD 00 00" : "Virtual PCD 00 01"
        let application = FakePIVApplication()
        let card = FakeCard { application.answer($0) }
        let bridge = try VPCDTestBridge(card: card, port: port)
        defer { bridge.close() }

        let atr = try PCSCChannel.waitForCard(reader: readerName, timeout: 10)
        #expect(atr == card.atr)
        let channel = try PCSCChannel(reader: String(readerName.suffix(9)))
        defer { channel.disconnect() }
        #expect(channel.readerName == readerName)
        let client = PIVClient(channel: channel)
        try client.select()
        try client.verify(pin: "123456")
        try client.authenticateManagementKey(application.managementKey)
        let certificate = [0x30, 0x82, 0x03, 0xE4] + (0..<996).map { UInt8($0 % 253) }
        try client.putData(tag: .signatureCertificate, value: PIVDataObjects.certificateObject(certificate))
        #expect(try client.readCertificate(slot: .signature) == certificate)
        #expect(card.raw.contains { $0.first == 0x10 })  // chained through the reader
        #expect(card.raw.contains { Array($0.prefix(2)) == [0x00, 0xC0] })  // and GET RESPONSE
    }
}

/// The card's end of vpcd over a TCP socket, on a thread of its own.
final class VPCDTestBridge: @unchecked Sendable {
    private let socket: Int32

    init(card: any SmartCard, port: UInt16) throws {
        #if canImport(Glibc)
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Self.closeDescriptor(fd)
            throw CardChannelError(.cardNoService, "cannot connect to vpcd on 127.0.0.1:\(port); start pcscd -f with vsmartcard-vpcd")
        }
        socket = fd
        let thread = Thread {
            var decoder = VPCDFrameDecoder()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(fd, &buffer, buffer.count)
                guard count > 0 else { return }
                for message in decoder.feed(buffer.prefix(count)) {
                    switch message {
                    case .powerOff, .powerOn, .reset: card.reset()
                    case .getATR: Self.write(fd, VPCDFrameDecoder.frame(card.atr))
                    case .apdu(let command): Self.write(fd, VPCDFrameDecoder.frame(card.transmit(command)))
                    case .unknownControl: break
                    }
                }
            }
        }
        thread.start()
    }

    static func write(_ fd: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            sent += count
        }
    }

    static func closeDescriptor(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    func close() {
        shutdown(socket, Int32(SHUT_RDWR))
        Self.closeDescriptor(socket)
    }
}
