import Foundation
import ZIPFoundation

/// The FlateDecode filter's encoder (ISO 32000-1 §7.4.4): a zlib stream (RFC 1950) around DEFLATE data (RFC 1951).
///
/// ZIPFoundation's `Data.compress` produces raw DEFLATE as ZIP needs it; PDF wants the zlib wrapping, so this adds
/// the two-byte header (CM 8, 32 KiB window, default level, FCHECK making it a multiple of 31) and the Adler-32 of
/// the uncompressed bytes, big-endian.
enum ZlibCompressor {
    static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        let input = Data(bytes)
        var deflated = Data()
        do {
            _ = try Data.compress(
                size: Int64(input.count), bufferSize: 64 * 1024,
                provider: { position, size in
                    input.subdata(in: Int(position)..<(Int(position) + size))
                },
                consumer: { deflated.append($0) })
        } catch {
            throw DocumentWriterError(.compression, "DEFLATE failed: \(error)")
        }
        var out: [UInt8] = [0x78, 0x9C]
        out.append(contentsOf: deflated)
        out.appendUInt32(adler32(bytes))
        return out
    }

    /// Adler-32 (RFC 1950 §8.2).
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var index = 0
        while index < bytes.count {
            // 5552 is the largest run before b can overflow 32 bits (zlib's NMAX).
            let end = min(index + 5552, bytes.count)
            for byte in bytes[index..<end] {
                a += UInt32(byte)
                b += a
            }
            a %= 65521
            b %= 65521
            index = end
        }
        return b << 16 | a
    }
}
