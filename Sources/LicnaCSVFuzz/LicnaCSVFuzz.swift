import LicnaBasics
import LicnaCore

/// libFuzzer entry point over the registry's CSV import (`CSVReader`, RFC 4180, and `RegistryCSV`, README "Registry
/// CSV"), which reads files an operator was handed. Build and run (scripts/fuzz runs every target):
///
///     swift build --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address --product LicnaCSVFuzz --scratch-path .build-fuzz
///     .build-fuzz/debug/LicnaCSVFuzz -max_total_time=60 fuzz/corpus/registry-csv
///
/// Besides "no crash, no hang": records start on increasing lines within the input, every record `CSVWriter` writes
/// reads back as the same fields, and every person a row gives writes out and reads back as the same person.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRegistryCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let lines = bytes.count { $0 == UInt8(ascii: "\n") } + 1
    guard let today = CivilDate(year: 2026, month: 6, day: 1) else { fatalError("the fixed date is not a date") }
    var reader = CSVReader(bytes.makeIterator())
    var previousLine = 0
    var first = true
    while true {
        let record: (line: Int, fields: [String])?
        do { record = try reader.nextRecord() } catch {
            guard (1...lines).contains(error.line) else { fatalError("a syntax error names line \(error.line) of \(lines)") }
            return 0
        }
        guard let record else { return 0 }
        guard record.line > previousLine, record.line <= lines else {
            fatalError("a record starts on line \(record.line) after line \(previousLine), of \(lines)")
        }
        previousLine = record.line
        // A record of one empty field is written as an empty line, which readers skip (RFC 4180 has no other way).
        if record.fields != [""] {
            var again = CSVReader(Array(CSVWriter.line(record.fields).utf8).makeIterator())
            guard let reread = try? again.nextRecord(), reread.fields == record.fields else {
                fatalError("the record of line \(record.line) does not read back as written")
            }
        }
        if first {
            first = false
            if RegistryCSV.checkHeader(record.fields) == nil { continue }
        }
        guard let person = try? RegistryCSV.person(from: record.fields, line: record.line, today: today) else { continue }
        guard let reread = try? RegistryCSV.person(from: RegistryCSV.fields(of: person), line: 1, today: today),
              reread == person else {
            fatalError("the person of line \(record.line) does not read back as written")
        }
    }
}
