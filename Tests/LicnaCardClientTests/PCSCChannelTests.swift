import Foundation
import LicnaCard
import Testing

@testable import LicnaCardClient

/// PC/SC without a reader: the library loads (libpcsclite1 is installed) and the errors say what to do.
@Suite struct PCSCChannelTests {
    @Test func missingLibrarySaysWhatToInstall() {
        #expect {
            _ = try PCSCLibrary(candidates: ["libpcsclite-does-not-exist.so.9"])
        } throws: { error in
            guard let error = error as? CardChannelError, error.code == .cardLibraryNotFound else { return false }
            #if os(Linux)
            return error.message.contains("apt-get install pcscd libpcsclite1")
            #else
            return true
            #endif
        }
    }

    /// With pcscd stopped this is "no service"; with it running, a list of distinct named readers. With CI=true
    /// (scripts/test starts pcscd with vsmartcard-vpcd) the list holds vpcd's reader.
    // Needs libpcsclite1; always runs with CI=true, where a missing library fails it.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CI"] == "true" || (try? PCSCLibrary.shared()) != nil,
                   "needs libpcsclite1 (apt-get install pcscd libpcsclite1)"))
    func readersOrNoService() throws {
        let library = try PCSCLibrary.shared()
        do {
            let readers = try PCSCChannel.readers(library: library)
            #expect(readers.allSatisfy { !$0.isEmpty })
            #expect(Set(readers).count == readers.count, "\(readers)")
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                #expect(readers.contains("Virtual PCD 00 00"), "\(readers)")
            }
        } catch {
            #expect(ProcessInfo.processInfo.environment["CI"] != "true", "CI=true but pcscd with vpcd is not running: \(error)")
            #expect(error.code == .cardNoService || error.code == .cardNoReaders, "\(error)")
            if error.code == .cardNoService { #expect(error.message.contains("pcscd")) }
        }
    }

    @Test func readerMatching() throws {
        let readers = ["Virtual PCD 00 00", "Virtual PCD 00 01", "Yubico YubiKey OTP+FIDO+CCID 01 00"]
        #expect(try PCSCChannel.matchReader("Virtual PCD 00 01", in: readers) == "Virtual PCD 00 01")
        #expect(try PCSCChannel.matchReader("yubikey", in: readers) == "Yubico YubiKey OTP+FIDO+CCID 01 00")
        #expect {
            _ = try PCSCChannel.matchReader("Virtual", in: readers)
        } throws: { error in
            (error as? CardChannelError)?.code == .cardReaderNotFound && "\(error)".contains("\"Virtual PCD 00 00\"")
        }
        #expect {
            _ = try PCSCChannel.matchReader("Gemalto", in: readers)
        } throws: { error in
            (error as? CardChannelError)?.message.contains("available readers") == true
        }
        #expect {
            _ = try PCSCChannel.matchReader("x", in: [])
        } throws: { error in
            (error as? CardChannelError)?.code == .cardNoReaders
        }
    }

    @Test func errorCodesMapToMessages() {
        #expect(PCSC.error(PCSC.LONG(bitPattern: PCSC.DWORD(0x8010_001D)), "x").code == .cardNoService)
        #expect(PCSC.error(PCSC.LONG(bitPattern: PCSC.DWORD(0x8010_002E)), "x").code == .cardNoReaders)
        #expect(PCSC.error(PCSC.LONG(bitPattern: PCSC.DWORD(0x8010_000C)), "x").code == .cardNoSmartCard)
        #expect(PCSC.error(PCSC.LONG(bitPattern: PCSC.DWORD(0x8010_0069)), "x").code == .cardRemoved)
        #expect(PCSC.error(PCSC.LONG(bitPattern: PCSC.DWORD(0x8010_0069)), "x").pcscCode == 0x8010_0069)
    }
}
