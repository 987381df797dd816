import LicnaCard
import LicnaPKI

/// Reads the eMRTD application (ICAO 9303-10, LDS 1) over a `CardChannel`, as the Licna card answers it
/// (docs/card.md "eMRTD application"). Access control is the card's CAN VERIFY, a stand-in for PACE
/// (ICAO 9303-11 §4.4); there is no secure messaging.
public struct EMRTDReader: Sendable {
    /// The LDS1 eMRTD application identifier (ICAO 9303-10 §3.6.1).
    public static let applicationIdentifier: [UInt8] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]
    /// READ BINARY with even INS addresses offsets up to 32,767 (ISO/IEC 7816-4 §11.3.3: P1 bit 8 is 0).
    public static let maximumOffset = 0x7FFF

    public let channel: any CardChannel
    /// Bytes per READ BINARY after the first; 223 (`DF`) as common eMRTD readers use, so that a secure-messaging
    /// wrapper would still fit a short APDU.
    public var chunkSize: Int

    public init(channel: any CardChannel, chunkSize: Int = 0xDF) {
        self.channel = channel
        self.chunkSize = max(1, min(chunkSize, 256))
    }

    /// SELECT the eMRTD application (`00 A4 04 0C 07 A0 00 00 02 47 10 01`).
    public func select() throws {
        try run(CommandAPDU(.select, p1: 0x04, p2: 0x0C, data: Self.applicationIdentifier), "SELECT eMRTD application")
    }

    /// VERIFY the card access number (`00 20 00 82 06 <6 ASCII digits>`), unlocking DG1 and DG2.
    public func verify(can: String) throws {
        try run(CommandAPDU(.verify, p1: 0x00, p2: PIVReference.can.rawValue, data: try PIVClient.canFormat(can)), "VERIFY CAN")
    }

    /// VERIFY the PIN (`00 20 00 80 08`, PIV format), which also unlocks DG1 and DG2.
    public func verify(pin: String) throws {
        try run(CommandAPDU(.verify, p1: 0x00, p2: PIVReference.pin.rawValue, data: try PIVClient.pivFormat(pin, "PIN")), "VERIFY PIN")
    }

    /// Reads a whole file: SELECT `00 A4 02 0C 02 <FID>`, READ BINARY of 4 bytes to learn the BER-TLV length
    /// (ICAO 9303-10 §3.6.3), then READ BINARY `00 B0 <offset> <Le>` in chunks until the end of the object.
    public func readFile(_ file: EMRTDFile) throws -> [UInt8] {
        try run(CommandAPDU(.select, p1: 0x02, p2: 0x0C, data: [UInt8(file.fid >> 8), UInt8(file.fid & 0xFF)]), "SELECT \(file)")
        var bytes = try readBinary(file, offset: 0, length: 4)
        guard bytes.count >= 2 else { throw EMRTDError(.emrtdMalformedFile, "\(file) is shorter than a TLV header") }
        var header = Self.headerLength(bytes)
        if header == nil, bytes.count == 4 {
            bytes += try readBinary(file, offset: 4, length: 4)
            header = Self.headerLength(bytes)
        }
        guard let (headerLength, valueLength) = header else {
            throw EMRTDError(.emrtdMalformedFile, "\(file) does not start with a BER-TLV header")
        }
        let total = headerLength + valueLength
        guard total - 1 <= Self.maximumOffset else {
            throw EMRTDError(.emrtdFileTooLarge, "\(file) holds \(total) bytes; offsets past 32,767 need READ BINARY with odd INS, which is not implemented")
        }
        if bytes.count > total { bytes = Array(bytes.prefix(total)) }
        while bytes.count < total {
            let piece = try readBinary(file, offset: bytes.count, length: min(chunkSize, total - bytes.count))
            guard !piece.isEmpty else {
                throw EMRTDError(.emrtdMalformedFile, "\(file) ended after \(bytes.count) of \(total) bytes")
            }
            bytes += piece.prefix(total - bytes.count)
        }
        return bytes
    }

    /// Reads EF.COM, EF.SOD and every data group EF.COM lists (or, if EF.COM cannot be read, that EF.SOD
    /// hashes; failing both, DG1–DG3). Files the card refuses are reported with their status word rather than
    /// thrown; a channel failure is thrown.
    public func readAll() throws -> EMRTDReadResult {
        var result = EMRTDReadResult()
        func attempt(_ file: EMRTDFile) throws {
            do {
                result.files[file] = try readFile(file)
            } catch let error as EMRTDError {
                result.failures[file] = error
            }
        }
        try attempt(.com)
        try attempt(.sod)
        var numbers: [Int] = []
        if let com = result.files[.com] {
            numbers = Self.dataGroupNumbers(inCOM: com)
        }
        if numbers.isEmpty, let sod = result.files[.sod], let object = try? DocumentSecurityObject(efSOD: sod) {
            numbers = object.securityObject.dataGroupHashes.map(\.number)
        }
        if numbers.isEmpty { numbers = [1, 2, 3] }
        for number in Set(numbers).sorted() {
            try attempt(.dataGroup(number))
        }
        return result
    }

    /// The data group numbers in EF.COM's tag list (`60 { … 5C <tags> }`, ICAO 9303-10 §4.6.1).
    public static func dataGroupNumbers(inCOM com: [UInt8]) -> [Int] {
        guard let outer = try? BERTLV.first(0x60, in: com), let list = try? BERTLV.first(0x5C, in: outer.value) else { return [] }
        return list.value.compactMap(EMRTDFile.dataGroupNumber(forTag:))
    }

    /// The header length and the value length of the BER-TLV object at the start of `bytes`, or nil when the
    /// header is incomplete or invalid (tags of up to 3 bytes, lengths up to `83 xx xx xx`).
    static func headerLength(_ bytes: [UInt8]) -> (Int, Int)? {
        var index = 1
        if bytes[0] & 0x1F == 0x1F {
            while index < bytes.count, bytes[index] & 0x80 != 0 { index += 1 }
            index += 1
        }
        guard index <= 3, index < bytes.count else { return nil }
        let first = Int(bytes[index])
        if first < 0x80 { return (index + 1, first) }
        let count = first & 0x7F
        guard (1...3).contains(count), index + count < bytes.count else { return nil }
        var length = 0
        for i in 1...count { length = length << 8 | Int(bytes[index + i]) }
        return (index + 1 + count, length)
    }

    private func readBinary(_ file: EMRTDFile, offset: Int, length: Int) throws -> [UInt8] {
        try run(
            CommandAPDU(.readBinary, p1: UInt8(offset >> 8), p2: UInt8(offset & 0xFF), expectedLength: length),
            "READ BINARY \(file) at \(offset)")
    }

    @discardableResult
    private func run(_ command: CommandAPDU, _ operation: String) throws -> [UInt8] {
        let response = try channel.send(command)
        guard response.status.isSuccess else { throw EMRTDError(statusWord: response.status, operation: operation) }
        return response.data
    }
}
