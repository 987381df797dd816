import Foundation
import Testing

/// The acceptance rules of issue 11 that a reader of `Sources/` can check, kept so a later change cannot quietly
/// bring them back: the time comes from the injected clock (`WallClock`), and the database from its one accessor.
@Suite struct HouseRulesTests {
    /// `Sources/` of this checkout, found from this file's own path.
    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    /// Every Swift file under `Sources/` with its lines, comments included (a rule's name in a comment is rare enough
    /// to be reworded).
    static func swiftFiles() throws -> [(path: String, lines: [Substring])] {
        let enumerator = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        var files: [(String, [Substring])] = []
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            files.append((url.path.replacingOccurrences(of: sources.path + "/", with: ""), text.split(separator: "\n", omittingEmptySubsequences: false)))
        }
        return files
    }

    /// Lines of `files` that contain `needle` as a whole word (`holderBirthDate()` is not `Date()`), as `path:line`.
    static func offenders(_ needle: String, in files: [(path: String, lines: [Substring])], except allowed: Set<String> = []) -> [String] {
        files.filter { !allowed.contains($0.path) }.flatMap { file in
            file.lines.enumerated().filter { containsWord(needle, in: $0.element) }.map { "\(file.path):\($0.offset + 1)" }
        }
    }

    static func containsWord(_ needle: String, in line: Substring) -> Bool {
        var rest = line[...]
        while let found = rest.range(of: needle) {
            let before = found.lowerBound == line.startIndex ? nil : line[line.index(before: found.lowerBound)]
            if !(before.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false) { return true }
            rest = line[found.upperBound...]
        }
        return false
    }

    @Test func sourcesAreFound() throws {
        #expect(try Self.swiftFiles().count > 300, "the test reads the package's Sources folder")
    }

    /// Issue 11 item 3: no `Date()` outside the clock's own file. A monotonic interval uses `ContinuousClock`.
    @Test func theTimeComesFromTheClock() throws {
        let files = try Self.swiftFiles()
        #expect(files.contains { $0.path == "LicnaBasics/Time/WallClock.swift" })
        #expect(Self.offenders("Date()", in: files, except: ["LicnaBasics/Time/WallClock.swift"]) == [])
    }

    /// Issue 11 item 2: one accessor for SQL, no casts of the database.
    @Test func theDatabaseHasOneAccessor() throws {
        let files = try Self.swiftFiles()
        #expect(Self.offenders("as! any SQLDatabase", in: files) == [])
        #expect(Self.offenders("as! SQLDatabase", in: files) == [])
    }

    /// A person id has one form in every table, `UUID.uuidString` (uppercase): no line that names a person lowercases
    /// (card applications once stored their holder in lowercase, and three queries compared in lowercase to find them).
    @Test func personIDsAreNotLowercased() throws {
        let offenders = try Self.swiftFiles().flatMap { file in
            file.lines.enumerated().filter { line in
                line.element.lowercased().contains("person") && (line.element.contains(".lowercased()") || line.element.contains("LOWER("))
            }.map { "\(file.path):\($0.offset + 1)" }
        }
        #expect(offenders == [])
    }

    /// The rule finds what it is meant to find (so an empty answer above means something).
    @Test func theRulesFindAnOffender() {
        let files: [(path: String, lines: [Substring])] = [("A/B.swift", ["let a = holderBirthDate()", "let now = Date()", "f(Date())"])]
        #expect(Self.offenders("Date()", in: files) == ["A/B.swift:2", "A/B.swift:3"])
        #expect(Self.offenders("Date()", in: files, except: ["A/B.swift"]) == [])
    }
}
