/// `SCARD_READERSTATE` for `SCardGetStatusChange`, laid out by hand in a byte buffer because the C struct
/// differs: pcsc-lite on LP64 Linux uses natural alignment with 64-bit `DWORD`s (`szReader` 0, `pvUserData` 8,
/// `dwCurrentState` 16, `dwEventState` 24, `cbAtr` 32, `rgbAtr[33]` 40; 80 bytes), Apple's PCSC.framework packs
/// it (`#pragma pack(1)`) with 32-bit `DWORD`s (16, 20, 24, 28; 61 bytes).
struct PCSCReaderState {
    #if os(macOS)
    static let offsets = (current: 16, event: 20, atrLength: 24, atr: 28, size: 61)
    #else
    static let offsets = (current: 16, event: 24, atrLength: 32, atr: 40, size: 80)
    #endif

    var currentState: PCSC.DWORD
    private(set) var eventState: PCSC.DWORD = 0
    private(set) var atr: [UInt8] = []

    init(currentState: PCSC.DWORD) {
        self.currentState = currentState
    }

    /// Calls `SCardGetStatusChange` for one reader and reads back the event state and the ATR.
    mutating func call(
        _ function: PCSC.GetStatusChange, _ context: PCSC.SCARDCONTEXT, _ reader: UnsafePointer<CChar>, _ timeout: PCSC.DWORD
    ) -> PCSC.LONG {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.offsets.size, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: Self.offsets.size)
        buffer.storeBytes(of: UInt(bitPattern: reader), toByteOffset: 0, as: UInt.self)
        buffer.storeBytes(of: currentState, toByteOffset: Self.offsets.current, as: PCSC.DWORD.self)
        let result = function(context, timeout, buffer, 1)
        eventState = buffer.loadUnaligned(fromByteOffset: Self.offsets.event, as: PCSC.DWORD.self)
        let length = min(Int(buffer.loadUnaligned(fromByteOffset: Self.offsets.atrLength, as: PCSC.DWORD.self)), PCSC.maximumATRSize)
        atr = (0..<length).map { buffer.load(fromByteOffset: Self.offsets.atr + $0, as: UInt8.self) }
        return result
    }
}
