import LicnaCard

/// What `EMRTDReader.readAll()` read and what the card refused (ICAO 9303-10 §4.6).
public struct EMRTDReadResult: Sendable {
    /// The files read, whole.
    public var files: [EMRTDFile: [UInt8]] = [:]
    /// The files the card refused or that were malformed, with the error (its `statusWord`, e.g. DG3 `69 82`).
    public var failures: [EMRTDFile: EMRTDError] = [:]

    public init() {}

    /// EF.SOD, if read.
    public var sod: [UInt8]? { files[.sod] }

    /// The data groups read, by number.
    public var dataGroups: [Int: [UInt8]] {
        var groups: [Int: [UInt8]] = [:]
        for (file, bytes) in files { if let number = file.dataGroupNumber { groups[number] = bytes } }
        return groups
    }

    /// The data groups that could not be read, by number, with the card's status word (nil for a malformed file).
    public var unreadableDataGroups: [Int: StatusWord?] {
        var groups: [Int: StatusWord?] = [:]
        for (file, error) in failures { if let number = file.dataGroupNumber { groups[number] = error.statusWord } }
        return groups
    }
}
