import Foundation
import Testing

/// Runs the independent tools of the interop tests (openssl, qpdf, pyHanko…).
///
/// A test that needs a tool says so with a trait, `@Test(.requires("qpdf"))`, and takes the tool with
/// `try ExternalTool.required("qpdf")`: where the tool is missing the test is listed as skipped, with the tool named;
/// with `CI=true` (scripts/test, which installs every tool) the test runs anyway and fails. No test returns early.
public enum ExternalTool {
    /// Whether `CI` is "true": a missing tool is then a failure, never a skip.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The executable `name` on PATH, or nil.
    public static func locate(_ name: String) -> URL? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for directory in paths {
            let url = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Whether a test that needs `tools` runs: they are all on PATH, or `CI` is "true" (the test then fails on the
    /// first one missing).
    public static func isAvailable(_ tools: [String]) -> Bool {
        isCI || tools.allSatisfy { locate($0) != nil }
    }

    /// Whether a test that needs the file at `path` runs: it exists, or `CI` is "true".
    public static func isAvailable(file path: String) -> Bool {
        isCI || FileManager.default.fileExists(atPath: path)
    }

    /// The executable `name` on PATH; a failed requirement (which ends the test) when it is missing.
    public static func required(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        try #require(locate(name), "\(name) is not installed (scripts/test installs it)", sourceLocation: sourceLocation)
    }

    /// The executable `name` on PATH, or nil; records an issue when it is missing and `CI` is "true". Prefer
    /// `.requires(name)` with `required(_:)`: a caller that returns on nil passes without running.
    public static func executable(_ name: String) -> URL? {
        if let url = locate(name) { return url }
        if isCI {
            Issue.record("\(name) is not installed but CI=true: the interop test cannot be skipped")
        } else {
            print("note: \(name) not found, interop test skipped")
        }
        return nil
    }

    /// Runs `tool arguments` in `directory` with no standard input; returns the exit status and the combined output.
    @discardableResult
    public static func run(_ tool: URL, _ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let outputURL = directory.appendingPathComponent("output-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputURL)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: outputURL), as: UTF8.self))
    }

    /// A fresh temporary directory.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("licna-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only where every tool of `tools` is on PATH, and always with `CI=true` (where a missing tool
    /// fails it); elsewhere the test is listed as skipped with the tools named.
    public static func requires(_ tools: String..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled(if: ExternalTool.isAvailable(tools),
                 Comment(rawValue: "needs \(tools.joined(separator: ", ")) (scripts/test installs it)"), sourceLocation: sourceLocation)
    }

    /// Runs the test only where the file at `path` exists (`package` installs it), and always with `CI=true`.
    public static func requires(file path: String, package: String, sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled(if: ExternalTool.isAvailable(file: path),
                 Comment(rawValue: "needs \(path) (apt-get install \(package); scripts/test installs it)"), sourceLocation: sourceLocation)
    }
}
