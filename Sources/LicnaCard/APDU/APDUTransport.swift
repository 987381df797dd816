/// The card side of ISO/IEC 7816-4 transmission, in front of the applications: it parses each command (a bad
/// length is `67 00`, never a crash), reassembles command chains (§5.1.1.1: CLA bit `10`, same INS P1 P2 in
/// every link) and serves long responses in pieces (§5.3.4: the first piece with `61 xx`, the rest through GET
/// RESPONSE `00 C0 00 00 Le`). A pure state machine: bytes in, bytes out.
public struct APDUTransport: Sendable {
    /// The most data a chain may carry before it is refused with `6A 84` (the largest object is DG2's face image).
    public static let maximumChainedData = 64 * 1024

    private var chain: CommandAPDU?
    private var pending: [UInt8] = []
    private var pendingStatus = StatusWord.success

    public init() {}

    /// Handles one command APDU as received and returns the response bytes. `application` answers complete
    /// (unchained) commands; it sees neither chain links nor GET RESPONSE for pending data.
    public mutating func receive(_ bytes: [UInt8], application: (CommandAPDU) -> ResponseAPDU) -> [UInt8] {
        let command: CommandAPDU
        do {
            command = try CommandAPDU(bytes: bytes)
        } catch {
            chain = nil
            pending = []
            return StatusWord.wrongLength.bytes
        }
        if command.instruction == .getResponse, command.baseClass == 0x00, !command.isChained {
            return getResponse(command).bytes
        }
        pending = []
        if command.isChained {
            return link(command).bytes
        }
        var complete = command
        if let started = chain {
            chain = nil
            guard started.ins == command.ins, started.p1 == command.p1, started.p2 == command.p2 else {
                return StatusWord.lastCommandExpected.bytes
            }
            guard started.data.count + command.data.count <= Self.maximumChainedData else { return StatusWord.notEnoughMemory.bytes }
            complete.data = started.data + command.data
            complete.cla = command.cla
        }
        let response = application(complete)
        // At most Ne bytes now, the rest through GET RESPONSE (ISO/IEC 7816-4 §5.3.4). Without Le (Ne = 0) all of
        // it waits for GET RESPONSE, as a T=0 card answers case 4 commands (ISO/IEC 7816-3 §12.2.4).
        return split(response, limit: complete.expectedLength ?? 0).bytes
    }

    private mutating func link(_ command: CommandAPDU) -> StatusWord {
        if var started = chain {
            guard started.ins == command.ins, started.p1 == command.p1, started.p2 == command.p2 else {
                chain = nil
                return .lastCommandExpected
            }
            guard started.data.count + command.data.count <= Self.maximumChainedData else {
                chain = nil
                return .notEnoughMemory
            }
            started.data += command.data
            chain = started
        } else {
            var started = command
            started.cla &= ~0x10
            chain = started
        }
        return .success
    }

    /// The first piece of a response, keeping the rest for GET RESPONSE.
    private mutating func split(_ response: ResponseAPDU, limit: Int) -> ResponseAPDU {
        let size = max(0, min(limit, 65_536))
        guard response.data.count > size else { return response }
        pending = Array(response.data.dropFirst(size))
        pendingStatus = response.status
        return ResponseAPDU(data: Array(response.data.prefix(size)), status: .bytesRemaining(pending.count))
    }

    private mutating func getResponse(_ command: CommandAPDU) -> ResponseAPDU {
        guard !pending.isEmpty else { return ResponseAPDU(.conditionsNotSatisfied) }
        guard command.p1 == 0, command.p2 == 0 else { return ResponseAPDU(.incorrectP1P2) }
        let size = min(command.expectedLength ?? 256, pending.count)
        let piece = Array(pending.prefix(size))
        pending.removeFirst(size)
        if pending.isEmpty { return ResponseAPDU(data: piece, status: pendingStatus) }
        return ResponseAPDU(data: piece, status: .bytesRemaining(pending.count))
    }
}
