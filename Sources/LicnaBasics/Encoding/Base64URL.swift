import Foundation

extension Data {
    /// RFC 4648 §5 base64url without padding (as JWS, PKCE and OAuth tokens use it, RFC 7515 §2). Encoded here
    /// directly: tokens, hashes and signatures are encoded on every sign-on request, and the standard alphabet's
    /// three string replacements cost more than the encoding itself.
    public var base64URLEncoded: String {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        let length = (count * 4 + 2) / 3
        return alphabet.withUTF8Buffer { table in
            withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                String(unsafeUninitializedCapacity: length) { output in
                    var written = 0
                    var index = 0
                    while index + 3 <= bytes.count {
                        let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                        output[written] = table[Int(value >> 18 & 63)]
                        output[written + 1] = table[Int(value >> 12 & 63)]
                        output[written + 2] = table[Int(value >> 6 & 63)]
                        output[written + 3] = table[Int(value & 63)]
                        written += 4
                        index += 3
                    }
                    let rest = bytes.count - index
                    if rest > 0 {
                        let value = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
                        output[written] = table[Int(value >> 18 & 63)]
                        output[written + 1] = table[Int(value >> 12 & 63)]
                        written += 2
                        if rest == 2 {
                            output[written] = table[Int(value >> 6 & 63)]
                            written += 1
                        }
                    }
                    return written
                }
            }
        }
    }

    /// Decodes base64url without padding; nil for any character outside the alphabet (padding included) or a
    /// length no encoding produces.
    public init?(base64URL text: String) {
        let isBase64URL = text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"): true
            default: false
            }
        }
        guard isBase64URL, text.utf8.count % 4 != 1 else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.utf8.count % 4 != 0 { standard += "=" }
        self.init(base64Encoded: standard)
    }
}
