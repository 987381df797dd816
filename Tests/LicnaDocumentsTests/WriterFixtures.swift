import Foundation
import LicnaDocuments
import LicnaTestSupport
import Testing

/// Fonts, images and external tools for the PDF writer's tests.
enum WriterFixtures {
    /// DejaVu Sans from the system; a failed requirement when it is missing (tests carry `.requiresFont`).
    static func font(_ path: String = TrueTypeFont.defaultFontPath, sourceLocation: SourceLocation = #_sourceLocation) throws -> TrueTypeFont {
        try #require(FileManager.default.fileExists(atPath: path), "the font \(path) is not installed (apt-get install fonts-dejavu-core)",
                     sourceLocation: sourceLocation)
        return try TrueTypeFont.load(path: path)
    }

    /// The bytes of DejaVu Sans, as for ``font(_:sourceLocation:)``.
    static func fontBytes(sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
        let data = try #require(FileManager.default.contents(atPath: TrueTypeFont.defaultFontPath),
                                "the font \(TrueTypeFont.defaultFontPath) is not installed (apt-get install fonts-dejavu-core)",
                                sourceLocation: sourceLocation)
        return [UInt8](data)
    }

    /// A baseline JPEG of `width` × `height` grey pixels, made in code (ITU-T T.81): a quantisation table of ones,
    /// one Huffman table each for DC and AC with a single one-bit code (DC difference category 0, end of block),
    /// and two zero bits per 8 × 8 block.
    static func grayJPEG(width: Int, height: Int) -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xD8]
        out += [0xFF, 0xDB, 0x00, 67, 0x00] + [UInt8](repeating: 1, count: 64)
        out += [0xFF, 0xC0, 0x00, 11, 8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF)]
        out += [1, 1, 0x11, 0]
        let oneCode: [UInt8] = [1] + [UInt8](repeating: 0, count: 15) + [0]
        out += [0xFF, 0xC4, 0x00, 20, 0x00] + oneCode
        out += [0xFF, 0xC4, 0x00, 20, 0x10] + oneCode
        out += [0xFF, 0xDA, 0x00, 8, 1, 1, 0x00, 0, 63, 0]
        let blocks = ((width + 7) / 8) * ((height + 7) / 8)
        let bits = blocks * 2
        out += [UInt8](repeating: 0, count: bits / 8)
        if bits % 8 != 0 { out.append(UInt8(0xFF >> (bits % 8))) }
        out += [0xFF, 0xD9]
        return out
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("licna-pdfwriter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Runs the independent PDF tools (poppler-utils, qpdf) for interop tests.
enum PDFTool {
    /// Runs the tool; returns its exit status, standard output and standard error.
    static func run(_ tool: URL, _ arguments: [String], in directory: URL) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let outputURL = directory.appendingPathComponent("out-\(UUID().uuidString).txt")
        let errorURL = directory.appendingPathComponent("err-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        let errors = try FileHandle(forWritingTo: errorURL)
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        try output.close()
        try errors.close()
        return (
            process.terminationStatus, try String(contentsOf: outputURL, encoding: .utf8),
            try String(contentsOf: errorURL, encoding: .utf8)
        )
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only where DejaVu Sans (and its bold face) is installed, and always with `CI=true`, where a
    /// missing font fails it.
    static var requiresFont: Self {
        .requires(file: TrueTypeFont.defaultFontPath, package: "fonts-dejavu-core")
    }
}
