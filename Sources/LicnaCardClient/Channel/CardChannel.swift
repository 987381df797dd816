import LicnaCard

/// A connection to one card, whatever carries the bytes: a PC/SC reader (`PCSCChannel`) or a card in the same
/// process (`SmartCardChannel`).
///
/// Conformers implement only `transmit(_:)`, one raw exchange (ISO/IEC 7816-3 / 7816-4 §5). `send(_:)` adds the
/// transmission rules of ISO/IEC 7816-4 that every application needs: command chaining for long data
/// (§5.1.1.1) and the `61 xx` / `6C xx` answers (§5.3.4, §5.6 table 5).
public protocol CardChannel: Sendable {
    /// Sends exactly `command` and returns exactly the card's answer, without interpreting the status word.
    /// Throws `CardChannelError` when the reader or the transport fails.
    func transmit(_ command: CommandAPDU) throws -> ResponseAPDU
}

extension CardChannel {
    /// The most command data one short APDU carries (ISO/IEC 7816-4 §5.1: Lc of one byte).
    public static var maximumShortCommandData: Int { 255 }

    /// Sends `command` with short APDUs only and returns the complete answer:
    /// - data longer than 255 bytes goes out as a command chain (ISO/IEC 7816-4 §5.1.1.1): CLA bit `10` set on
    ///   every link but the last, the same INS P1 P2 in each, Le only on the last link. A link answered with
    ///   anything but `90 00` ends the chain and that answer is returned;
    /// - `61 xx` is followed by GET RESPONSE `00 C0 00 00 xx` until the card has no more (§5.3.4), the pieces joined;
    /// - `6C xx` (wrong Le, §5.6) makes it send the same command again with Le = `xx`.
    public func send(_ command: CommandAPDU) throws -> ResponseAPDU {
        var links: [CommandAPDU] = []
        let data = command.data
        if data.count <= Self.maximumShortCommandData {
            var single = command
            single.isExtended = false
            single.expectedLength = command.expectedLength.map { min($0, 256) }
            links = [single]
        } else {
            var start = 0
            while start < data.count {
                let end = min(start + Self.maximumShortCommandData, data.count)
                let last = end == data.count
                links.append(
                    CommandAPDU(
                        cla: last ? command.cla : command.cla | 0x10, ins: command.ins, p1: command.p1, p2: command.p2,
                        data: Array(data[start..<end]),
                        expectedLength: last ? command.expectedLength.map { min($0, 256) } : nil,
                        extended: false))
                start = end
            }
        }
        for link in links.dropLast() {
            let response = try exchange(link)
            guard response.status.isSuccess else { return response }
        }
        return try exchange(links[links.count - 1])
    }

    /// One command and its `61 xx` / `6C xx` follow-ups.
    private func exchange(_ command: CommandAPDU) throws -> ResponseAPDU {
        var response = try transmit(command)
        if let correct = response.status.correctLength {
            var again = command
            again.expectedLength = correct
            response = try transmit(again)
        }
        var data = response.data
        var rounds = 0
        while let remaining = response.status.moreDataAvailable {
            rounds += 1
            // 65,536 bytes at 256 per GET RESPONSE; more means the card is looping.
            guard rounds <= 257 else {
                throw CardChannelError(.cardMalformedResponse, "the card kept answering 61 xx (more data) after 64 KiB; giving up")
            }
            response = try transmit(CommandAPDU(.getResponse, p1: 0x00, p2: 0x00, expectedLength: remaining, extended: false))
            if let corrected = response.status.correctLength {
                response = try transmit(CommandAPDU(.getResponse, p1: 0x00, p2: 0x00, expectedLength: corrected, extended: false))
            }
            data += response.data
        }
        return ResponseAPDU(data: data, status: response.status)
    }
}
