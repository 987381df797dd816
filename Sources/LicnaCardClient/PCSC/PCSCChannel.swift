import Foundation
import LicnaCard

/// A `CardChannel` to a card in a PC/SC reader (pcsc-lite on Linux, PCSC.framework on macOS), with the
/// library loaded at run time (`PCSCLibrary`).
///
/// The channel owns one PC/SC context and one card handle, connected in shared mode (`SCARD_SHARE_SHARED`)
/// with T=0 or T=1 (whichever the card and reader agree on), and released with `SCARD_LEAVE_CARD` so that the
/// card keeps its state for the next application. Calls are serialized by a lock.
public final class PCSCChannel: CardChannel, @unchecked Sendable {
    /// The transmission protocol the reader activated (ISO/IEC 7816-3 §10, §11).
    public enum TransmissionProtocol: String, Sendable, Hashable {
        case t0 = "T=0"
        case t1 = "T=1"
    }

    /// The full name of the reader, as PC/SC lists it.
    public let readerName: String
    /// The protocol the reader activated.
    public let activeProtocol: TransmissionProtocol
    private let library: PCSCLibrary
    private let lock = NSLock()
    private var context: PCSC.SCARDCONTEXT?
    private var handle: PCSC.SCARDHANDLE?

    /// The readers PC/SC knows, in its order; empty when none is connected.
    public static func readers(library: PCSCLibrary? = nil) throws(CardChannelError) -> [String] {
        let library = try PCSCLibrary.resolve(library)
        let context = try establishContext(library)
        defer { _ = library.releaseContext(context) }
        return try listReaders(library, context)
    }

    /// Connects to the reader named `reader` — its exact name, or a part of it that only one reader's name
    /// contains (case-insensitive) — in shared mode with T=0 or T=1.
    /// Throws `readerNotFound` listing the available readers when none or several match.
    public init(reader: String, library: PCSCLibrary? = nil) throws(CardChannelError) {
        let library = try PCSCLibrary.resolve(library)
        let context = try Self.establishContext(library)
        do throws(CardChannelError) {
            let name = try Self.matchReader(reader, in: try Self.listReaders(library, context))
            var handle: PCSC.SCARDHANDLE = 0
            var active: PCSC.DWORD = 0
            let result = name.withCString { cName in
                library.connect(context, cName, PCSC.shareShared, PCSC.protocolT0 | PCSC.protocolT1, &handle, &active)
            }
            guard PCSC.code(result) == PCSC.Result.success else { throw PCSC.error(result, "SCardConnect") }
            self.library = library
            self.context = context
            self.handle = handle
            self.readerName = name
            self.activeProtocol = active == PCSC.protocolT0 ? .t0 : .t1
        } catch {
            _ = library.releaseContext(context)
            throw error
        }
    }

    deinit {
        disconnect()
    }

    /// Leaves the card as it is (`SCARD_LEAVE_CARD`) and releases the PC/SC context. Idempotent.
    public func disconnect() {
        lock.lock()
        defer { lock.unlock() }
        if let handle { _ = library.disconnect(handle, PCSC.leaveCard) }
        if let context { _ = library.releaseContext(context) }
        handle = nil
        context = nil
    }

    /// One exchange through `SCardTransmit`.
    public func transmit(_ command: CommandAPDU) throws -> ResponseAPDU {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else {
            throw CardChannelError(.cardDisconnected, "the reader connection was closed; connect again")
        }
        let bytes = command.bytes
        var capacity = command.isExtended ? 65_538 : 258
        while true {
            var pci = PCSC.IORequest(
                dwProtocol: activeProtocol == .t0 ? PCSC.protocolT0 : PCSC.protocolT1,
                cbPciLength: PCSC.DWORD(MemoryLayout<PCSC.IORequest>.stride))
            var received = [UInt8](repeating: 0, count: capacity)
            var length = PCSC.DWORD(capacity)
            let result = bytes.withUnsafeBufferPointer { send in
                received.withUnsafeMutableBufferPointer { receive in
                    library.transmit(handle, &pci, send.baseAddress, PCSC.DWORD(send.count), nil, receive.baseAddress, &length)
                }
            }
            let code = PCSC.code(result)
            if code == PCSC.Result.insufficientBuffer, capacity < 65_538 {
                capacity = 65_538
                continue
            }
            guard code == PCSC.Result.success else { throw PCSC.error(result, "SCardTransmit") }
            guard let response = ResponseAPDU(bytes: Array(received.prefix(Int(length)))) else {
                throw CardChannelError(.cardMalformedResponse, "the reader returned \(length) byte(s), fewer than a status word")
            }
            return response
        }
    }

    /// Waits up to `timeout` seconds for a card in `reader` (exact name) and returns its ATR, using
    /// `SCardGetStatusChange`. Throws `noSmartCard` on timeout, `pcscFailure` if the library lacks the function.
    public static func waitForCard(reader: String, timeout: Double, library: PCSCLibrary? = nil) throws(CardChannelError) -> [UInt8] {
        let library = try PCSCLibrary.resolve(library)
        guard let getStatusChange = library.getStatusChange else {
            throw CardChannelError(.cardPCSCFailure, "this PC/SC library has no SCardGetStatusChange")
        }
        let context = try establishContext(library)
        defer { _ = library.releaseContext(context) }
        // A timeout is a duration: measured on the monotonic clock, not the wall clock.
        let deadline = ContinuousClock.now + .seconds(timeout.isNaN ? 0 : max(0, min(timeout, 1e9)))
        var state = PCSCReaderState(currentState: PCSC.stateUnaware)
        var wait: PCSC.DWORD = 0
        while true {
            let result = reader.withCString { name in state.call(getStatusChange, context, name, wait) }
            let code = PCSC.code(result)
            if code != PCSC.Result.success, code != PCSC.Result.timeout { throw PCSC.error(result, "SCardGetStatusChange") }
            if state.eventState & PCSC.statePresent != 0 { return state.atr }
            let remaining = ContinuousClock.now.duration(to: deadline)
            let left = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
            guard left > 0 else {
                throw CardChannelError(.cardNoSmartCard, "no card was inserted in \(reader) within \(timeout) s: insert the card and try again")
            }
            state.currentState = state.eventState & ~0x0002  // without SCARD_STATE_CHANGED
            wait = PCSC.DWORD(min(left * 1000, 60_000))
        }
    }

    static func establishContext(_ library: PCSCLibrary) throws(CardChannelError) -> PCSC.SCARDCONTEXT {
        var context: PCSC.SCARDCONTEXT = 0
        let result = library.establishContext(PCSC.scopeSystem, nil, nil, &context)
        guard PCSC.code(result) == PCSC.Result.success else { throw PCSC.error(result, "SCardEstablishContext") }
        return context
    }

    /// SCardListReaders twice: the size, then the multi-string (names separated by NUL, ended by two NULs).
    static func listReaders(_ library: PCSCLibrary, _ context: PCSC.SCARDCONTEXT) throws(CardChannelError) -> [String] {
        for _ in 0..<3 {
            var size: PCSC.DWORD = 0
            var result = library.listReaders(context, nil, nil, &size)
            if PCSC.code(result) == PCSC.Result.noReadersAvailable { return [] }
            guard PCSC.code(result) == PCSC.Result.success else { throw PCSC.error(result, "SCardListReaders") }
            var buffer = [CChar](repeating: 0, count: Int(size) + 1)
            result = buffer.withUnsafeMutableBufferPointer { library.listReaders(context, nil, $0.baseAddress, &size) }
            if PCSC.code(result) == PCSC.Result.noReadersAvailable { return [] }
            if PCSC.code(result) == PCSC.Result.insufficientBuffer { continue }  // a reader appeared in between
            guard PCSC.code(result) == PCSC.Result.success else { throw PCSC.error(result, "SCardListReaders") }
            let bytes = buffer.prefix(Int(size)).map { UInt8(bitPattern: $0) }
            return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        }
        throw CardChannelError(.cardPCSCFailure, "the reader list kept changing while it was read; try again")
    }

    /// The reader `query` names: exact match first, else the only reader whose name contains it.
    static func matchReader(_ query: String, in readers: [String]) throws(CardChannelError) -> String {
        guard !readers.isEmpty else {
            throw CardChannelError(.cardNoReaders, "no smart-card reader is connected: plug in a reader (or start the virtual reader, vsmartcard-vpcd) and try again")
        }
        if readers.contains(query) { return query }
        let matches = readers.filter { $0.range(of: query, options: .caseInsensitive) != nil }
        if matches.count == 1 { return matches[0] }
        let list = readers.map { "\"\($0)\"" }.joined(separator: ", ")
        if matches.isEmpty {
            throw CardChannelError(.cardReaderNotFound, "no reader is named \"\(query)\"; available readers: \(list)")
        }
        throw CardChannelError(.cardReaderNotFound, "\"\(query)\" matches several readers; give more of the name. Available readers: \(list)")
    }
}
