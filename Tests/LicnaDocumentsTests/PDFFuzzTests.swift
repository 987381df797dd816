import Foundation
import LicnaTestSupport
import LicnaDocuments
import Testing
import ZIPFoundation

/// Seeded generative tests of the reader: mutated and truncated files always end in a result or a `PDFError`, never
/// a crash, in bounded time; hostile constructs (zip bombs, deep nesting, huge counts) are refused with clear codes.
@Suite struct PDFFuzzTests {
    /// Opens `bytes` and walks everything the reader exposes, ignoring errors; returns how long it took.
    @discardableResult
    private func exercise(_ bytes: [UInt8]) -> (duration: Duration, opened: Bool) {
        var opened = false
        let duration = ContinuousClock().measure {
            guard let file = try? PDFFile(bytes: bytes) else { return }
            opened = true
            _ = try? file.pages()
            _ = try? file.formFields()
            _ = try? file.signatures()
            _ = try? file.documentSecurityStore()
            for number in file.objectNumbers.prefix(64) {
                guard let object = try? file.object(for: PDFReference(objectNumber: number)) else { continue }
                if case .stream(let stream) = object { _ = try? file.decodedData(of: stream) }
                _ = object.serialized
            }
        }
        return (duration, opened)
    }

    /// The built-in seeds, plus every file in the folder `LICNA_PDF_FUZZ_SEEDS` names (for longer local runs over
    /// real-world files).
    private func seeds() throws -> [[UInt8]] {
        var extra: [[UInt8]] = []
        if let folder = ProcessInfo.processInfo.environment["LICNA_PDF_FUZZ_SEEDS"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
                extra.append(Array(try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name))))
            }
        }
        let classic = PDFFixtures.classic(pageCount: 2)
        return extra + [
            classic, PDFFixtures.withCrossReferenceStream(pageCount: 2),
            PDFFixtures.withCrossReferenceStream(pageCount: 1, hybrid: true), try PDFFixtures.structurallySigned(),
            try PDFFixtures.appendingUpdate(
                to: classic, replacing: [(PDFReference(objectNumber: 9), .dictionary(["A": [1, 2]]))]),
        ]
    }

    @Test func randomMutationsNeverCrash() throws {
        let seed = ProcessInfo.processInfo.environment["LICNA_PDF_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_0005
        var random = SeededRandom(seed: seed)
        let seeds = try seeds()
        var slowest = Duration.zero
        var opened = 0
        let iterations = ProcessInfo.processInfo.environment["LICNA_PDF_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 4_000
        for _ in 0..<iterations {
            let seed = seeds[Int.random(in: 0..<seeds.count, using: &random)]
            let result = exercise(random.mutatePDF(seed))
            slowest = max(slowest, result.duration)
            if result.opened { opened += 1 }
        }
        #expect(slowest < .seconds(2), "one mutated file took \(slowest)")
        // Most mutations leave a file the reader still opens (directly or by recovery), so the deeper code runs.
        #expect(opened > iterations / 2, "only \(opened) of \(iterations) mutated files opened")
    }

    @Test func everyTruncationIsHandled() throws {
        var slowest = Duration.zero
        for seed in try seeds() {
            // The whole seed opens; nothing opens from no bytes; every truncation in between ends quickly.
            #expect(exercise(seed).opened)
            #expect(!exercise([]).opened)
            for length in stride(from: 0, through: seed.count, by: 3) {
                slowest = max(slowest, exercise(Array(seed.prefix(length))).duration)
            }
        }
        #expect(slowest < .seconds(2), "one truncated file took \(slowest)")
    }

    @Test func randomBytesAfterAHeaderAreHandled() {
        var random = SeededRandom(seed: 42)
        let alphabet = Array("0123456789 obj endobj stream endstream xref trailer startxref << >> [ ] ( ) < > / R n f\n".utf8)
        var slowest = Duration.zero
        for _ in 0..<500 {
            var bytes = Array("%PDF-1.7\n".utf8)
            for _ in 0..<Int.random(in: 0...600, using: &random) {
                bytes.append(
                    Bool.random(using: &random)
                        ? alphabet[Int.random(in: 0..<alphabet.count, using: &random)] : UInt8.random(in: 0...255, using: &random))
            }
            slowest = max(slowest, exercise(bytes).duration)
        }
        #expect(slowest < .seconds(2), "one file of random tokens took \(slowest)")
    }

    @Test func aZipBombIsRefused() throws {
        // 16 MB of zeros deflate to about 16 KB; the decoded-size limit stops it long before it is inflated.
        let size = 16 * 1024 * 1024
        var compressed = Data([0x78, 0x9C])
        _ = try Data.compress(
            size: Int64(size), bufferSize: 1 << 20,
            provider: { _, chunk in Data(count: chunk) },
            consumer: { compressed.append($0) })
        var bytes = Array("%PDF-1.7\n1 0 obj\n<< /Length \(compressed.count) /Filter /FlateDecode >>\nstream\n".utf8)
        bytes += Array(compressed) + Array("\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n".utf8)
        var options = PDFFile.Options()
        options.maximumDecodedStreamSize = 1024 * 1024
        let file = try PDFFile(bytes: bytes, options: options)
        let stream = try #require(try file.object(for: PDFReference(objectNumber: 1)).streamValue)
        #expect { try file.decodedData(of: stream) } throws: { ($0 as? PDFError)?.code == .limitExceeded }
        // Within the limit the same stream inflates fully.
        options.maximumDecodedStreamSize = size
        let roomy = try PDFFile(bytes: bytes, options: options)
        #expect(try roomy.decodedData(of: stream).count == size)
    }

    @Test func hugeCountsAreNotTrusted() throws {
        let bytes = Array(
            """
            %PDF-1.7
            1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
            2 0 obj << /Type /Pages /Kids [] /Count 99999999999 >> endobj
            3 0 obj << /Type /ObjStm /N 999999999 /First 999999999 /Length 3 >>
            stream
            1 0
            endstream
            endobj
            xref
            0 999999999999
            trailer << /Root 1 0 R /Size 99999999999 >>
            startxref
            196
            %%EOF
            """.utf8)
        let file = try PDFFile(bytes: bytes)
        #expect(file.wasRecovered)
        #expect(try file.pages().isEmpty)
    }

    /// A file of about 40 MB, most of it one stream, opens and is walked quickly: objects are read in place.
    @Test func aLargeFileIsReadInPlace() throws {
        let filler = [UInt8](repeating: 0x41, count: 40 * 1024 * 1024)
        var bytes = Array("%PDF-1.7\n".utf8)
        var offsets: [Int] = []
        let objects: [[UInt8]] = [
            Array("<< /Type /Catalog /Pages 2 0 R >>".utf8),
            Array("<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] >>".utf8),
            Array("<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>".utf8),
            Array("<< /Length \(filler.count) >>\nstream\n".utf8) + filler + Array("\nendstream".utf8),
        ]
        for (index, object) in objects.enumerated() {
            offsets.append(bytes.count)
            bytes += Array("\(index + 1) 0 obj\n".utf8) + object + Array("\nendobj\n".utf8)
        }
        let xref = bytes.count
        bytes += Array("xref\n0 5\n0000000000 65535 f \n".utf8)
        for offset in offsets { bytes += Array("\(PDFFixtures.pad(offset, 10)) 00000 n \n".utf8) }
        bytes += Array("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        let elapsed = try ContinuousClock().measure {
            let file = try PDFFile(bytes: bytes)
            #expect(try file.pages().count == 1)
            #expect(try file.signatures().isEmpty)
            let stream = try #require(try file.object(for: PDFReference(objectNumber: 4)).streamValue)
            #expect(stream.encodedBytes.count == filler.count)
        }
        #expect(elapsed < .seconds(20), "reading took \(elapsed)")
        var options = PDFFile.Options()
        options.maximumFileSize = 10 * 1024 * 1024
        #expect { try PDFFile(bytes: bytes, options: options) } throws: { ($0 as? PDFError)?.code == .fileTooLarge }
    }
}
