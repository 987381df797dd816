import Foundation
import LicnaBasics

/// Hexadecimal as people type it in an argument, read through the one decoder (``ASCIIHex``): ASCII digits only,
/// so that fullwidth look-alikes are refused instead of trapping a radix parser.
public enum HexArgument {
    /// The bytes of pairs of hex digits in any case, with white space anywhere (`00A4 0400`), or nil.
    public static func bytes(_ text: String) -> [UInt8]? {
        ASCIIHex.decode(String(text.filter { !$0.isWhitespace }))
    }

    /// A SHA-256 fingerprint written as 64 hex digits, in any case, with or without `:` separators and surrounding
    /// spaces (`licna ca init` prints `root-sha256 HEX`), or nil.
    public static func sha256Fingerprint(_ text: String) -> [UInt8]? {
        let digits = Array(text.trimmingCharacters(in: .whitespaces).utf8.filter { $0 != UInt8(ascii: ":") })
        guard digits.count == 64 else { return nil }
        return ASCIIHex.decode(digits)
    }
}
