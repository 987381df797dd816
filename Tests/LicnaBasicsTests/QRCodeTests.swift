import Foundation
@testable import LicnaBasics
import LicnaTestSupport
import Testing

/// ISO/IEC 18004 symbols read back by an independent decoder (ZBar's `zbarimg`), across versions 1 to 40, the four
/// error-correction levels, the version-information versions (7 and up) and the many-block ones.
@Suite struct QRCodeTests {
    /// A binary PBM (netpbm P4) of the symbol with its quiet zone, `scale` pixels per module.
    static func pbm(_ code: QRCode, scale: Int = 3, quietZone: Int = 4) -> Data {
        let side = (code.size + 2 * quietZone) * scale
        var data = Data("P4\n\(side) \(side)\n".utf8)
        let rowBytes = (side + 7) / 8
        for pixelY in 0..<side {
            var row = [UInt8](repeating: 0, count: rowBytes)
            let y = pixelY / scale - quietZone
            for pixelX in 0..<side {
                let x = pixelX / scale - quietZone
                if (0..<code.size).contains(x), (0..<code.size).contains(y), code.isDark(x: x, y: y) {
                    row[pixelX / 8] |= 0x80 >> UInt8(pixelX % 8)
                }
            }
            data.append(contentsOf: row)
        }
        return data
    }

    /// What `zbarimg` reads from the symbol.
    static func decode(_ code: QRCode, in directory: URL) throws -> String {
        let zbar = try ExternalTool.required("zbarimg")
        let file = directory.appendingPathComponent("qr-\(UUID().uuidString).pbm")
        try pbm(code).write(to: file)
        // Standard output only: ImageMagick, under zbarimg, may complain on standard error (no D-Bus here).
        let process = Process()
        process.executableURL = zbar
        process.arguments = ["-q", "--raw", "-Sdisable", "-Sqrcode.enable", file.path]
        let output = directory.appendingPathComponent("zbar-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = String(decoding: try Data(contentsOf: output), as: UTF8.self)
        #expect(process.terminationStatus == 0, "zbarimg found no symbol (exit \(process.terminationStatus))")
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    @Test(.requires("zbarimg"), arguments: QRCode.ErrorCorrection.allCases)
    func zbarReadsEverySizeAtEveryLevel(level: QRCode.ErrorCorrection) throws {
        let directory = try ExternalTool.temporaryDirectory()
        var versions: Set<Int> = []
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%")
        // Lengths that land on small and large versions, including the largest this level holds.
        let maximum = (1...2953).last { QRCode(bytes: Array(repeating: 65, count: $0), errorCorrection: level)?.version == 40 } ?? 0
        #expect(maximum == [2953, 2331, 1663, 1273][level.rawValue])
        for length in [1, 14, 17, 32, 78, 106, 150, 220, 300, 400, 520, 700, 900, 1100, 1273, maximum] where length <= maximum {
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            let code = try #require(QRCode(text: text, errorCorrection: level))
            versions.insert(code.version)
            let read = try Self.decode(code, in: directory)
            #expect(read == text, "version \(code.version), level \(level), mask \(code.mask)")
        }
        #expect(versions.contains(1) && versions.contains(40) && versions.contains { $0 >= 7 && $0 < 40 })
        #expect(QRCode(bytes: Array(repeating: 65, count: maximum + 1), errorCorrection: level) == nil)
    }

    @Test(.requires("zbarimg"))
    func anAuthenticatorURIAndEveryMaskRead() throws {
        let directory = try ExternalTool.temporaryDirectory()
        let uri = "otpauth://totp/Licna:milica%40demo.licna.me?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Licna&algorithm=SHA1&digits=6&period=30"
        let code = try #require(QRCode(text: uri))
        let read = try Self.decode(code, in: directory)
        #expect(read == uri)
        // The chosen mask is the one of least penalty, but any mask must read: build each one.
        var masks: Set<Int> = []
        for index in 0..<40 {
            let text = uri + String(repeating: "x", count: index)
            let variant = try #require(QRCode(text: text))
            masks.insert(variant.mask)
            let variantRead = try Self.decode(variant, in: directory)
            #expect(variantRead == text, "mask \(variant.mask)")
        }
        #expect(masks.count >= 3, "the penalty never varies the mask: \(masks)")
    }

    @Test func knownVectors() throws {
        // Annex I's example is numeric mode; here: the capacities of Table 7 in byte mode, and the alignment
        // pattern centres of Annex E, Table E.1.
        #expect(QRCode.dataCapacity(1, .low) == 19 && QRCode.dataCapacity(1, .high) == 9)
        #expect(QRCode.dataCapacity(40, .medium) == 2334 && QRCode.dataCapacity(10, .quartile) == 154)
        #expect(QRCodeMatrix(version: 2).alignmentPositions == [6, 18])
        #expect(QRCodeMatrix(version: 7).alignmentPositions == [6, 22, 38])
        #expect(QRCodeMatrix(version: 32).alignmentPositions == [6, 34, 60, 86, 112, 138])
        #expect(QRCodeMatrix(version: 40).alignmentPositions == [6, 30, 58, 86, 114, 142, 170])
        // The generator polynomial of degree 7 (Annex A): α^0, α^87, α^229, α^146, α^149, α^238, α^102, α^21 → coefficients.
        #expect(ReedSolomon.generator(degree: 7) == [127, 122, 154, 164, 11, 68, 117])
        // SVG: a title, a quiet zone and a square per dark module.
        let code = try #require(QRCode(text: "HELLO"))
        let svg = code.svg(moduleSize: 2, title: "<scan me>")
        #expect(svg.hasPrefix("<svg") && svg.contains("<title>&lt;scan me&gt;</title>") && svg.contains("viewBox=\"0 0 29 29\""))
        let squares = svg.components(separatedBy: "h1v1h-1z").count - 1
        #expect(squares == (0..<code.size).flatMap { y in (0..<code.size).map { code.isDark(x: $0, y: y) } }.filter { $0 }.count)
    }
}
