@testable import LicnaCard
import Testing

@Suite struct VPCDAndCounterTests {
    @Test func framesAreSplitAtAnyBoundary() {
        let stream: [UInt8] = [0x00, 0x01, 0x01,                  // power on
                               0x00, 0x01, 0x04,                  // get ATR
                               0x00, 0x05, 0x00, 0xA4, 0x04, 0x00, 0x00,  // an APDU
                               0x00, 0x01, 0x00,                  // power off
                               0x00, 0x01, 0x09]                  // unknown control
        let expected: [VPCDFrameDecoder.Message] = [.powerOn, .getATR, .apdu([0x00, 0xA4, 0x04, 0x00, 0x00]), .powerOff, .unknownControl(9)]
        for cut in 0...stream.count {
            var decoder = VPCDFrameDecoder()
            let messages = decoder.feed(stream[..<cut]) + decoder.feed(stream[cut...])
            #expect(messages == expected)
        }
        var byteByByte = VPCDFrameDecoder()
        var collected: [VPCDFrameDecoder.Message] = []
        for byte in stream { collected += byteByByte.feed([byte]) }
        #expect(collected == expected)
    }

    @Test func framingWritesTheLengthFirst() {
        #expect(VPCDFrameDecoder.frame([0x90, 0x00]) == [0x00, 0x02, 0x90, 0x00])
        #expect(VPCDFrameDecoder.frame([UInt8](repeating: 1, count: 300)).prefix(2) == [0x01, 0x2C])
    }

    @Test func aTryIsTakenBeforeTheComparisonAndGivenBackOnlyAfterSuccess() {
        var counter = RetryCounter(limit: 5)
        for expected in stride(from: 4, through: 0, by: -1) {
            let took = counter.beginAttempt()
            #expect(took && counter.remaining == expected)
        }
        #expect(counter.isBlocked)
        let refused = !counter.beginAttempt()
        #expect(refused && counter.remaining == 0)
        var other = RetryCounter(limit: 3)
        let first = other.beginAttempt()
        #expect(first && other.remaining == 2)
        other.succeed()
        #expect(other.remaining == 3)
        other.block()
        let blocked = !other.beginAttempt()
        #expect(other.isBlocked && blocked)
    }

    @Test func statusWordsReportTriesLeft() {
        #expect(StatusWord.verificationFailed(triesLeft: 3).bytes == [0x63, 0xC3])
        #expect(StatusWord.verificationFailed(triesLeft: 0).bytes == [0x63, 0xC0])
        #expect(StatusWord.bytesRemaining(300).bytes == [0x61, 0x00])
        #expect(StatusWord.bytesRemaining(17).bytes == [0x61, 0x11])
    }
}
