#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The PC/SC library, loaded at run time with `dlopen` so that building and running without smart-card support
/// installed works: only connecting to a reader needs it (pcsc-lite `libpcsclite.so.1` on Linux,
/// `PCSC.framework` on macOS).
///
/// The library handle stays open for the life of the process; the functions are immutable C pointers.
public final class PCSCLibrary: @unchecked Sendable {
    /// Where the library is looked for, in order.
    public static var defaultCandidates: [String] {
        #if os(macOS)
        ["/System/Library/Frameworks/PCSC.framework/PCSC"]
        #else
        ["libpcsclite.so.1", "libpcsclite.so"]
        #endif
    }

    /// The path that loaded.
    public let path: String
    let establishContext: PCSC.EstablishContext
    let releaseContext: PCSC.ReleaseContext
    let listReaders: PCSC.ListReaders
    let connect: PCSC.Connect
    let transmit: PCSC.Transmit
    let disconnect: PCSC.Disconnect
    /// Optional: used only to wait for a card.
    let getStatusChange: PCSC.GetStatusChange?

    /// The library from the default places, loaded once per process.
    public static func shared() throws(CardChannelError) -> PCSCLibrary {
        try sharedResult.get()
    }

    /// `library`, or the shared one when nil.
    static func resolve(_ library: PCSCLibrary?) throws(CardChannelError) -> PCSCLibrary {
        if let library { return library }
        return try shared()
    }

    private static let sharedResult: Result<PCSCLibrary, CardChannelError> = Result { () throws(CardChannelError) in
        try PCSCLibrary(candidates: defaultCandidates)
    }

    /// Loads the first of `candidates` that `dlopen` accepts and resolves the WinSCard functions.
    public init(candidates: [String]) throws(CardChannelError) {
        var failures: [String] = []
        for candidate in candidates {
            guard let handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL) else {
                failures.append(dlerror().map { String(cString: $0) } ?? candidate)
                continue
            }
            func symbol<T>(_ name: String, as type: T.Type) -> T? {
                guard let pointer = dlsym(handle, name) else { return nil }
                return unsafeBitCast(pointer, to: type)
            }
            guard
                let establish = symbol("SCardEstablishContext", as: PCSC.EstablishContext.self),
                let release = symbol("SCardReleaseContext", as: PCSC.ReleaseContext.self),
                let list = symbol(Self.listReadersName, as: PCSC.ListReaders.self),
                let connect = symbol(Self.connectName, as: PCSC.Connect.self),
                let transmit = symbol("SCardTransmit", as: PCSC.Transmit.self),
                let disconnect = symbol("SCardDisconnect", as: PCSC.Disconnect.self)
            else {
                failures.append("\(candidate): not a PC/SC library (WinSCard functions missing)")
                dlclose(handle)
                continue
            }
            self.path = candidate
            self.establishContext = establish
            self.releaseContext = release
            self.listReaders = list
            self.connect = connect
            self.transmit = transmit
            self.disconnect = disconnect
            self.getStatusChange = symbol(Self.getStatusChangeName, as: PCSC.GetStatusChange.self)
            return
        }
        #if os(macOS)
        let hint = "PCSC.framework ships with macOS; check that \(candidates.joined(separator: ", ")) exists"
        #else
        let hint = "install the PC/SC library and service (Debian/Ubuntu: apt-get install pcscd libpcsclite1; then start pcscd)"
        #endif
        throw CardChannelError(.cardLibraryNotFound, "the PC/SC library could not be loaded (\(failures.joined(separator: "; "))): \(hint)")
    }

    // pcsc-lite exports the plain names; the Windows-style A/W suffixes do not exist there or on macOS.
    private static let listReadersName = "SCardListReaders"
    private static let connectName = "SCardConnect"
    private static let getStatusChangeName = "SCardGetStatusChange"
}
