import ArgumentParser
import Foundation
import LicnaBasics
import LicnaCommandLine
import LicnaCore

struct Numbers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate, decode and generate personal numbers (JMBG, identification number).",
        subcommands: [Validate.self, Decode.self, Generate.self])

    enum Scheme: String, ExpressibleByArgument, CaseIterable {
        case jmbg, identification
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate numbers: one line each, `<number> valid` or `<number> invalid: <reason-code>`.",
            discussion: """
            Reason codes (JMBG): length, non-digit, date, future-date, region, check-digit. Identification numbers: \
            length, non-digit, check-digit. With no NUMBER arguments, reads one number per line from standard input \
            (a million numbers go through one process). Exit status 0 only when every number is valid.
            """)

        @Option(help: "jmbg or identification.") var scheme: Scheme = .jmbg
        @Argument(help: "Numbers to check; none: read standard input.") var numbers: [String] = []

        func run() throws {
            let today = SystemWallClock().today
            var allValid = true
            if numbers.isEmpty {
                allValid = NumberStreamValidator(scheme: scheme, today: today.ordinal).run(input: 0, output: 1)
            } else {
                var out = ""
                for number in numbers {
                    let reason = NumberStreamValidator.reason(Array(number.utf8), scheme: scheme, today: today.ordinal)
                    out += reason.map { "\(number) invalid: \($0)\n" } ?? "\(number) valid\n"
                    if reason != nil { allValid = false }
                }
                FileHandle.standardOutput.write(Data(out.utf8))
            }
            if !allValid { throw Exit.no }
        }
    }

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode a JMBG read from standard input: birth date, sex, region.",
            discussion: "The number is read from standard input, never from arguments. --json prints {valid, reason, birthDate, sex, regionCode, region, area}.")

        @Flag(help: "Print a JSON object.") var json = false

        func run() throws {
            if Terminal.standardInputIsTerminal { Terminal.say("cli.numbers.decode.prompt") }
            let line = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) ?? ""
            let jmbg: JMBG
            do { jmbg = try JMBG(line, today: SystemWallClock().today) } catch {
                Terminal.print(json ? "{\"reason\":\"\(error.rawValue)\",\"valid\":false}" : "invalid: \(error.rawValue)")
                Terminal.say("cli.numbers.invalid.\(error.rawValue)")
                throw Exit.no
            }
            if json {
                let object: [String: Any] = [
                    "valid": true, "birthDate": jmbg.birthDate.iso8601, "sex": jmbg.sex.rawValue,
                    "regionCode": String(format: "%02d", jmbg.regionCode), "region": jmbg.region.name ?? NSNull(),
                    "area": jmbg.region.area ?? NSNull(),
                ]
                Terminal.print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            } else {
                Terminal.print("birthDate: \(jmbg.birthDate.iso8601)")
                Terminal.print("sex: \(jmbg.sex.rawValue)")
                Terminal.print("region: \(String(format: "%02d", jmbg.regionCode))\(jmbg.region.name.map { " (\($0))" } ?? "")")
            }
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print fresh, distinct identification numbers (random, MOSIP filters, Verhoeff check digit).",
            discussion: "These numbers are not reserved: the registry's pool allocates the numbers it issues.")

        @Option(help: "identification (JMBGs are allocated at birth registration, not generated).") var scheme: Scheme = .identification
        @Option(help: "How many numbers.") var count: Int = 1

        func validate() throws {
            guard scheme == .identification else { throw ValidationError(Terminal.text("cli.numbers.generate.scheme")) }
            guard count >= 0, count <= 50_000_000 else { throw ValidationError(Terminal.text("cli.numbers.generate.count")) }
        }

        func run() throws {
            var generator = IdentificationNumberGenerator()
            var seen = Set<Int>(minimumCapacity: count)
            var buffer = [UInt8]()
            buffer.reserveCapacity(1 << 16)
            var produced = 0
            while produced < count {
                let value = generator.nextValue()
                guard seen.insert(value).inserted else { continue }
                var digits = [UInt8](repeating: 0, count: 9)
                var rest = value
                for index in stride(from: 8, through: 0, by: -1) { digits[index] = UInt8(48 + rest % 10); rest /= 10 }
                buffer += digits
                buffer.append(10)
                produced += 1
                if buffer.count >= 60_000 { writeAll(1, buffer); buffer.removeAll(keepingCapacity: true) }
            }
            writeAll(1, buffer)
        }
    }
}

/// Writes every byte to a file descriptor.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written <= 0 { if errno == EINTR { continue }; return }
        offset += written
    }
}
