import Foundation
import ZIPFoundation

/// FlateDecode (ISO 32000-1 §7.4.4): a zlib stream (RFC 1950) whose two-byte header is stripped before the raw
/// deflate data (RFC 1951) is inflated with ZIPFoundation. The Adler-32 trailer is not checked, as other readers do
/// not either, and data after a corrupt point is dropped but what came before is kept.
enum PDFFlate {
    private struct OutputTooLarge: Error {}
    private struct InputExhausted: Error {}

    static func inflate(_ input: ArraySlice<UInt8>, maximumSize: Int) throws -> [UInt8] {
        var body = input
        if input.count >= 2 {
            let cmf = input[input.startIndex]
            let flg = input[input.startIndex + 1]
            if cmf & 0x0F == 8, (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0 {
                guard flg & 0x20 == 0 else {
                    throw PDFError(.invalidStreamData, "a FlateDecode stream asks for a preset dictionary")
                }
                body = input.dropFirst(2)
            }
        }
        guard !body.isEmpty else { return [] }
        let data = Data(body)
        let bufferSize = 16_384
        var output: [UInt8] = []
        var exhaustedCalls = 0
        do {
            _ = try Data.decompress(
                size: Int64(data.count), bufferSize: bufferSize, skipCRC32: true,
                provider: { position, size in
                    let start = Int(position)
                    guard start < data.count else {
                        // Truncated data: ZIPFoundation asks again until the stream ends; stop it.
                        exhaustedCalls += 1
                        guard exhaustedCalls <= 1 else { throw InputExhausted() }
                        return Data(count: bufferSize)
                    }
                    var chunk = data.subdata(in: start..<min(start + bufferSize, data.count))
                    #if os(Linux) || os(Windows) || os(Android)
                    // ZIPFoundation's zlib path hands zlib `bufferSize` bytes whatever the chunk's length: pad, so
                    // that zlib never reads past the chunk.
                    if chunk.count < bufferSize { chunk.append(Data(count: bufferSize - chunk.count)) }
                    #endif
                    return chunk
                },
                consumer: { chunk in
                    guard output.count + chunk.count <= maximumSize else { throw OutputTooLarge() }
                    output.append(contentsOf: chunk)
                })
        } catch is OutputTooLarge {
            throw PDFError(.limitExceeded, "a FlateDecode stream inflates beyond the limit of \(maximumSize) bytes")
        } catch {
            guard !output.isEmpty else {
                throw PDFError(.invalidStreamData, "a FlateDecode stream holds corrupt zlib data")
            }
        }
        return output
    }
}
