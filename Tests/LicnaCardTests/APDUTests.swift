@testable import LicnaCard
import Testing

@Suite struct APDUTests {
    @Test(arguments: [
        ([0x00, 0xA4, 0x04, 0x00], nil as Int?, [] as [UInt8], false),                                     // case 1
        ([0x00, 0xCA, 0x00, 0x00, 0x00], 256, [], false),                                                   // case 2S, Le 00 = 256
        ([0x00, 0xCA, 0x00, 0x00, 0x10], 16, [], false),                                                    // case 2S
        ([0x00, 0xA4, 0x04, 0x00, 0x02, 0xAA, 0xBB], nil, [0xAA, 0xBB], false),                             // case 3S
        ([0x00, 0xA4, 0x04, 0x00, 0x02, 0xAA, 0xBB, 0x00], 256, [0xAA, 0xBB], false),                       // case 4S
        ([0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x00], 256, [], true),                                        // case 2E
        ([0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00], 65_536, [], true),                                     // case 2E, 0000 = 65,536
        ([0x00, 0xDB, 0x3F, 0xFF, 0x00, 0x00, 0x02, 0x01, 0x02], nil, [0x01, 0x02], true),                  // case 3E
        ([0x00, 0xDB, 0x3F, 0xFF, 0x00, 0x00, 0x02, 0x01, 0x02, 0x01, 0x00], 256, [0x01, 0x02], true),      // case 4E
    ] as [([UInt8], Int?, [UInt8], Bool)])
    func everyCaseParsesAndRoundTrips(bytes: [UInt8], expected: Int?, data: [UInt8], extended: Bool) throws {
        let command = try CommandAPDU(bytes: bytes)
        #expect(command.expectedLength == expected)
        #expect(command.data == data)
        #expect(command.isExtended == extended)
        #expect(command.bytes == bytes)
    }

    @Test(arguments: [
        [0x00, 0xA4, 0x04],                                  // no full header
        [0x00, 0xA4, 0x04, 0x00, 0x05, 0x01, 0x02],          // Lc says 5, two bytes follow
        [0x00, 0xA4, 0x04, 0x00, 0x02, 0x01, 0x02, 0x00, 0x00], // one byte too many for case 4S
        [0x00, 0xA4, 0x04, 0x00, 0x00, 0x01],                // extended marker with a one-byte length
        [0x00, 0xA4, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01],    // extended Lc of 0
        [0x00, 0xA4, 0x04, 0x00, 0x00, 0x00, 0x03, 0x01],    // extended Lc 3, one byte
    ] as [[UInt8]])
    func malformedLengthsAreWrongLength(bytes: [UInt8]) {
        var transport = APDUTransport()
        var called = false
        let answer = transport.receive(bytes) { _ in called = true; return ResponseAPDU() }
        #expect(answer == [0x67, 0x00])
        #expect(!called)
    }

    @Test func chainedCommandsReachTheApplicationWhole() {
        var transport = APDUTransport()
        var seen: [CommandAPDU] = []
        let handler: (CommandAPDU) -> ResponseAPDU = { seen.append($0); return ResponseAPDU() }
        #expect(transport.receive([0x10, 0xDB, 0x3F, 0xFF, 0x02, 0x01, 0x02], application: handler) == [0x90, 0x00])
        #expect(transport.receive([0x10, 0xDB, 0x3F, 0xFF, 0x01, 0x03], application: handler) == [0x90, 0x00])
        #expect(seen.isEmpty)
        #expect(transport.receive([0x00, 0xDB, 0x3F, 0xFF, 0x01, 0x04], application: handler) == [0x90, 0x00])
        #expect(seen.count == 1 && seen[0].data == [1, 2, 3, 4] && seen[0].cla == 0x00)
    }

    @Test func aChainCutShortOrSwitchedIsRefused() {
        var transport = APDUTransport()
        var seen = 0
        let handler: (CommandAPDU) -> ResponseAPDU = { _ in seen += 1; return ResponseAPDU() }
        _ = transport.receive([0x10, 0xDB, 0x3F, 0xFF, 0x01, 0x01], application: handler)
        // A different instruction ends the chain: 68 83, nothing reaches the application.
        #expect(transport.receive([0x00, 0xCB, 0x3F, 0xFF, 0x01, 0x02], application: handler) == [0x68, 0x83])
        _ = transport.receive([0x10, 0xDB, 0x3F, 0xFF, 0x01, 0x01], application: handler)
        #expect(transport.receive([0x10, 0xDB, 0x3F, 0xFE, 0x01, 0x01], application: handler) == [0x68, 0x83])
        #expect(seen == 0)
        // The next command starts afresh.
        #expect(transport.receive([0x00, 0xDB, 0x3F, 0xFF, 0x01, 0x09], application: handler) == [0x90, 0x00])
        #expect(seen == 1)
    }

    @Test func oversizedChainsAreRefused() {
        var transport = APDUTransport()
        let link = [0x10, 0xDB, 0x3F, 0xFF, 0xFF] + [UInt8](repeating: 7, count: 255)
        var links = 0
        var last: [UInt8] = [0x90, 0x00]
        while last == [0x90, 0x00], links < 1_000 {
            last = transport.receive(link) { _ in ResponseAPDU() }
            links += 1
        }
        #expect(last == [0x6A, 0x84])
        #expect(links == APDUTransport.maximumChainedData / 255 + 1)
    }

    @Test func longResponsesComeThroughGetResponse() {
        var transport = APDUTransport()
        let object = (0..<700).map { UInt8($0 & 0xFF) }
        var received: [UInt8] = []
        var answer = transport.receive([0x00, 0xCB, 0x3F, 0xFF, 0x05, 0x5C, 0x03, 0x5F, 0xC1, 0x05, 0x00]) { _ in ResponseAPDU(data: object) }
        #expect(answer.suffix(2) == [0x61, 0x00])  // 444 bytes remain: 256 or more
        received += answer.dropLast(2)
        answer = transport.receive([0x00, 0xC0, 0x00, 0x00, 0x00]) { _ in Issue.record("GET RESPONSE must not reach the application"); return ResponseAPDU() }
        #expect(answer.suffix(2) == [0x61, 188])
        received += answer.dropLast(2)
        answer = transport.receive([0x00, 0xC0, 0x00, 0x00, 188]) { _ in ResponseAPDU() }
        #expect(answer.suffix(2) == [0x90, 0x00])
        received += answer.dropLast(2)
        #expect(received == object)
        // Nothing pending any more.
        #expect(transport.receive([0x00, 0xC0, 0x00, 0x00, 0x00]) { _ in ResponseAPDU() } == [0x69, 0x85])
    }

    @Test func extendedCommandsGetTheirWholeResponse() {
        var transport = APDUTransport()
        let object = [UInt8](repeating: 0x42, count: 1_000)
        let answer = transport.receive([0x00, 0xCB, 0x3F, 0xFF, 0x00, 0x00, 0x01, 0x5C, 0x00, 0x00]) { _ in ResponseAPDU(data: object) }
        #expect(answer.count == 1_002 && answer.suffix(2) == [0x90, 0x00])
    }

    /// Generative: random bytes and mutations of valid commands never crash the transport; a parse that
    /// succeeds re-encodes to the same bytes.
    @Test func randomAndMutatedCommandsNeverCrash() {
        var random = SystemRandomNumberGenerator()
        var transport = APDUTransport()
        let seeds: [[UInt8]] = [[0x00, 0xA4, 0x04, 0x00, 0x09, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x00],
                                [0x00, 0x20, 0x00, 0x80, 0x08, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0xFF, 0xFF],
                                [0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x00]]
        for round in 0..<20_000 {
            var bytes = seeds[round % seeds.count]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &random)] = .random(in: 0...255, using: &random)
                    case 1 where !bytes.isEmpty: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &random))
                    default: bytes.insert(.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
                    }
                }
            }
            if let command = try? CommandAPDU(bytes: bytes) {
                #expect((try? CommandAPDU(bytes: command.bytes)) == command)
            }
            let answer = transport.receive(bytes) { command in ResponseAPDU(data: [UInt8](repeating: 1, count: Int(command.p2) * 3)) }
            #expect(answer.count >= 2)
        }
    }
}
