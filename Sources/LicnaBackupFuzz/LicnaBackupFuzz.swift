import Crypto
import Foundation
import LicnaBasics
import LicnaCore

/// libFuzzer entry point over the framing of backup files (`BackupFileReader`: header, row lines, end line, MAC),
/// what `licna restore` reads before it writes anything. The master key is fixed (32 bytes of 0x42,
/// `LICNA_MASTER_KEY=4242…42`), so that seeds made with it (fuzz/corpus/backup) reach past the master-key check.
/// Build and run (scripts/fuzz runs every target):
///
///     swift build --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address --product LicnaBackupFuzz --scratch-path .build-fuzz
///     .build-fuzz/debug/LicnaBackupFuzz -max_total_time=60 fuzz/corpus/backup
///
/// Besides "no crash, no hang": a version 2 file is accepted only when an independent HMAC-SHA256 over the bytes
/// before its end line matches the end line's MAC, with as many row lines as the end line says; a version 1 file
/// only when legacy files are accepted.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBackupFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    guard let masterKey = try? MasterKey(text: String(repeating: "42", count: 32)) else { fatalError("the fixed master key does not read") }
    let reader = BackupFileReader(masterKey: masterKey)
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .millisecondsSince1970
    decoder.dataDecodingStrategy = .base64
    let lines = splitLines(bytes)
    for acceptLegacy in [false, true] {
        var iterator = lines.makeIterator()
        let checked: BackupFileReader.Checked
        do {
            checked = try reader.check({ iterator.next() }, decoder: decoder, acceptLegacy: acceptLegacy) { table, line in
                table == "pki_authorities" ? line : nil
            }
        } catch {
            continue
        }
        guard checked.rows == lines.count - 2 else { fatalError("\(checked.rows) rows counted in a file of \(lines.count) lines") }
        switch checked.version {
        case 2:
            // The end line is the last line; the MAC covers every byte before it, each line with its newline.
            guard let endLine = lines.last, let end = try? decoder.decode(BackupFileReader.End.self, from: endLine) else {
                fatalError("a file was accepted whose last line is not an end line")
            }
            let covered = lines.dropLast().reduce(into: Data()) { $0 += $1 + Data("\n".utf8) }
            let expected = Data(HMAC<SHA256>.authenticationCode(for: covered, using: masterKey.derive(purpose: "backup.mac", version: 1)))
            guard ASCIIHex.decode(end.mac) == Array(expected) else {
                fatalError("a file was accepted whose MAC does not match its bytes")
            }
        case 1:
            guard acceptLegacy else { fatalError("a version 1 file was accepted without --accept-legacy-backup") }
        default:
            fatalError("a file of version \(checked.version) was accepted")
        }
    }
    return 0
}

/// The lines as `licna restore` reads them (`LineSequence`): split at LF, the last line kept without one.
private func splitLines(_ bytes: Data) -> [Data] {
    var lines: [Data] = []
    var start = bytes.startIndex
    while let newline = bytes[start...].firstIndex(of: 10) {
        lines.append(Data(bytes[start..<newline]))
        start = newline + 1
    }
    if start < bytes.endIndex { lines.append(Data(bytes[start...])) }
    return lines
}
