import LicnaBasics

/// The PC/SC "WinSCard" C types and constants, declared here so that building needs no smart-card headers
/// (pcsc-lite `pcsclite.h` / `winscard.h`; macOS `PCSC.framework`).
///
/// pcsc-lite on Linux defines `DWORD` as `unsigned long` and `LONG` as `long` (64-bit on LP64), and
/// `SCARDCONTEXT`/`SCARDHANDLE` as `LONG`; Apple's PCSC.framework uses 32-bit `uint32_t`/`int32_t` throughout.
enum PCSC {
    #if os(macOS)
    typealias DWORD = UInt32
    typealias LONG = Int32
    #else
    typealias DWORD = UInt
    typealias LONG = Int
    #endif
    typealias SCARDCONTEXT = LONG
    typealias SCARDHANDLE = LONG

    /// `SCARD_IO_REQUEST` (pcsc-lite `pcsclite.h`): the protocol control information of SCardTransmit.
    struct IORequest {
        var dwProtocol: DWORD
        var cbPciLength: DWORD
    }

    typealias EstablishContext = @convention(c) (
        DWORD, UnsafeRawPointer?, UnsafeRawPointer?, UnsafeMutablePointer<SCARDCONTEXT>?
    ) -> LONG
    typealias ReleaseContext = @convention(c) (SCARDCONTEXT) -> LONG
    typealias ListReaders = @convention(c) (
        SCARDCONTEXT, UnsafePointer<CChar>?, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<DWORD>?
    ) -> LONG
    typealias Connect = @convention(c) (
        SCARDCONTEXT, UnsafePointer<CChar>?, DWORD, DWORD, UnsafeMutablePointer<SCARDHANDLE>?, UnsafeMutablePointer<DWORD>?
    ) -> LONG
    typealias Transmit = @convention(c) (
        SCARDHANDLE, UnsafeRawPointer?, UnsafePointer<UInt8>?, DWORD, UnsafeMutableRawPointer?,
        UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<DWORD>?
    ) -> LONG
    typealias Disconnect = @convention(c) (SCARDHANDLE, DWORD) -> LONG
    typealias GetStatusChange = @convention(c) (SCARDCONTEXT, DWORD, UnsafeMutableRawPointer?, DWORD) -> LONG

    static let scopeSystem: DWORD = 2  // SCARD_SCOPE_SYSTEM
    static let shareShared: DWORD = 2  // SCARD_SHARE_SHARED
    static let protocolT0: DWORD = 1  // SCARD_PROTOCOL_T0
    static let protocolT1: DWORD = 2  // SCARD_PROTOCOL_T1
    static let leaveCard: DWORD = 0  // SCARD_LEAVE_CARD
    static let stateUnaware: DWORD = 0  // SCARD_STATE_UNAWARE
    static let statePresent: DWORD = 0x20  // SCARD_STATE_PRESENT
    static let infinite: DWORD = 0xFFFF_FFFF  // INFINITE
    /// `MAX_ATR_SIZE` in pcsc-lite and PCSC.framework.
    static let maximumATRSize = 33

    /// pcsc-lite result codes (`pcsclite.h`), as the low 32 bits of `LONG`.
    enum Result {
        static let success: UInt32 = 0x0000_0000
        static let invalidHandle: UInt32 = 0x8010_0003
        static let insufficientBuffer: UInt32 = 0x8010_0008
        static let unknownReader: UInt32 = 0x8010_0009
        static let timeout: UInt32 = 0x8010_000A
        static let sharingViolation: UInt32 = 0x8010_000B
        static let noSmartCard: UInt32 = 0x8010_000C
        static let protocolMismatch: UInt32 = 0x8010_000F
        static let readerUnavailable: UInt32 = 0x8010_0017
        static let noService: UInt32 = 0x8010_001D
        static let serviceStopped: UInt32 = 0x8010_001E
        static let noReadersAvailable: UInt32 = 0x8010_002E
        static let unsupportedCard: UInt32 = 0x8010_0065
        static let unresponsiveCard: UInt32 = 0x8010_0066
        static let unpoweredCard: UInt32 = 0x8010_0067
        static let resetCard: UInt32 = 0x8010_0068
        static let removedCard: UInt32 = 0x8010_0069
    }

    /// The low 32 bits of a `LONG` result, the form the constants are written in.
    static func code(_ result: LONG) -> UInt32 { UInt32(truncatingIfNeeded: result) }

    /// A `CardChannelError` for a failed PC/SC call, with what to do next.
    static func error(_ result: LONG, _ function: String) -> CardChannelError {
        let code = code(result)
        let (kind, message): (ErrorCode, String) =
            switch code {
            case Result.noService, Result.serviceStopped:
                (.cardNoService, "the PC/SC service is not running: start pcscd (Debian/Ubuntu: apt-get install pcscd; systemctl start pcscd.socket, or run pcscd -f)")
            case Result.noReadersAvailable:
                (.cardNoReaders, "no smart-card reader is connected: plug in a reader (or start the virtual reader, vsmartcard-vpcd) and try again")
            case Result.unknownReader, Result.readerUnavailable:
                (.cardReaderNotFound, "the reader is gone or unknown to pcscd: check the reader name with the readers listing and reconnect it")
            case Result.noSmartCard:
                (.cardNoSmartCard, "there is no card in the reader: insert the card and try again")
            case Result.removedCard, Result.resetCard, Result.unresponsiveCard, Result.unpoweredCard:
                (.cardRemoved, "the card was removed, reset or stopped answering: reinsert it and start again")
            case Result.sharingViolation:
                (.cardSharingViolation, "another program is using the card exclusively: close it and try again")
            case Result.protocolMismatch, Result.unsupportedCard:
                (.cardPCSCFailure, "the card speaks neither T=0 nor T=1 as the reader offers them")
            case Result.timeout:
                (.cardPCSCFailure, "timed out waiting for the reader")
            default:
                (.cardPCSCFailure, "\(function) failed")
            }
        return CardChannelError(kind, message, pcscCode: code)
    }
}
