import Foundation
import LicnaBasics
import LicnaCard

/// A `SmartCard` test double: the real ISO 7816-4 transport of LicnaCard (chaining, 61 xx) in front of an
/// application closure, recording every raw command and every complete command the application saw.
final class FakeCard: SmartCard, @unchecked Sendable {
    let atr: [UInt8] = [0x3B, 0x88, 0x80, 0x01, 0x4C, 0x49, 0x43, 0x4E, 0x41, 0x30, 0x30, 0x31, 0x00]
    private let lock = NSLock()
    private var transport = APDUTransport()
    private var _raw: [[UInt8]] = []
    private var _commands: [CommandAPDU] = []
    private let application: (CommandAPDU) -> ResponseAPDU

    init(application: @escaping (CommandAPDU) -> ResponseAPDU) {
        self.application = application
    }

    /// Every command as transmitted, in order.
    var raw: [[UInt8]] { lock.withLock { _raw } }
    /// Every complete command the application answered.
    var commands: [CommandAPDU] { lock.withLock { _commands } }

    func clear() { lock.withLock { _raw = []; _commands = [] } }

    func reset() { lock.withLock { transport = APDUTransport() } }
    func powerOff() { reset() }

    func transmit(_ command: [UInt8]) -> [UInt8] {
        lock.withLock {
            _raw.append(command)
            return transport.receive(command) { complete in
                _commands.append(complete)
                return application(complete)
            }
        }
    }
}

/// A card that answers raw commands from a script, for transport corner cases the real transport never makes.
final class ScriptedCard: SmartCard, @unchecked Sendable {
    let atr: [UInt8] = [0x3B, 0x00]
    private let lock = NSLock()
    private var _raw: [[UInt8]] = []
    private let answer: ([UInt8]) -> [UInt8]

    init(answer: @escaping ([UInt8]) -> [UInt8]) {
        self.answer = answer
    }

    var raw: [[UInt8]] { lock.withLock { _raw } }
    func reset() {}
    func powerOff() {}
    func transmit(_ command: [UInt8]) -> [UInt8] {
        lock.withLock {
            _raw.append(command)
            return answer(command)
        }
    }
}

/// Bytes from hex with optional spaces: `hex("00 A4 04 00")`.
func hex(_ string: String) -> [UInt8] {
    ASCIIHex.decode(String(string.filter { !$0.isWhitespace }))!
}
