import Foundation
import LicnaBasics

/// Writes objects back as PDF syntax (ISO 32000-1 §7.3), as the incremental-update writer of PAdES needs: strings
/// escaped (§7.3.4.2) or in hexadecimal, names with `#xx` for bytes outside the regular printable range (§7.3.5),
/// reals without exponent (§7.3.3), and a stream's /Length set to its encoded data.
public enum PDFSerializer {
    /// The bytes of `object` as a direct object.
    public static func serialize(_ object: PDFObject) -> [UInt8] {
        var output: [UInt8] = []
        write(object, into: &output)
        return output
    }

    /// `N G obj … endobj` followed by a line feed (§7.3.10).
    public static func serializeIndirectObject(_ object: PDFObject, as reference: PDFReference) -> [UInt8] {
        var output = Array("\(reference.objectNumber) \(reference.generation) obj\n".utf8)
        write(object, into: &output)
        output += Array("\nendobj\n".utf8)
        return output
    }

    /// Appends `object` to `output`.
    public static func write(_ object: PDFObject, into output: inout [UInt8]) {
        switch object {
        case .null: output += Array("null".utf8)
        case .boolean(let value): output += Array((value ? "true" : "false").utf8)
        case .integer(let value): output += Array(String(value).utf8)
        case .real(let value): output += Array(format(value).utf8)
        case .string(let value):
            if value.prefersHexadecimal { writeHex(value.bytes, into: &output) } else { writeLiteral(value.bytes, into: &output) }
        case .name(let value): writeName(value, into: &output)
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(0x20) }
                write(item, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .dictionary(let dictionary): writeDictionary(dictionary, into: &output)
        case .stream(let stream):
            var dictionary = stream.dictionary
            dictionary["Length"] = .integer(stream.encodedBytes.count)
            writeDictionary(dictionary, into: &output)
            output += Array("\nstream\n".utf8)
            output += stream.encodedBytes
            output += Array("\nendstream".utf8)
        case .reference(let reference):
            output += Array("\(reference.objectNumber) \(reference.generation) R".utf8)
        }
    }

    private static func writeDictionary(_ dictionary: PDFDictionary, into output: inout [UInt8]) {
        output += Array("<<".utf8)
        for (key, value) in dictionary {
            writeName(key, into: &output)
            output.append(0x20)
            write(value, into: &output)
        }
        output += Array(">>".utf8)
    }

    /// A real with at most ten decimals and no exponent; PDF has no exponential notation.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        var text = String(format: "%.10f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    static func writeName(_ name: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "/"))
        for byte in name.utf8 {
            if byte < 0x21 || byte > 0x7E || byte == UInt8(ascii: "#") || PDFLexer.isDelimiter(byte) {
                output.append(UInt8(ascii: "#"))
                output += hexadecimal([byte])
            } else {
                output.append(byte)
            }
        }
    }

    static func writeLiteral(_ bytes: [UInt8], into output: inout [UInt8]) {
        output.append(UInt8(ascii: "("))
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                output += [UInt8(ascii: "\\"), byte]
            case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x20...0x7E: output.append(byte)
            default:
                output += [
                    UInt8(ascii: "\\"), UInt8(ascii: "0") + (byte >> 6), UInt8(ascii: "0") + (byte >> 3 & 7),
                    UInt8(ascii: "0") + (byte & 7),
                ]
            }
        }
        output.append(UInt8(ascii: ")"))
    }

    static func writeHex(_ bytes: [UInt8], into output: inout [UInt8]) {
        output.append(UInt8(ascii: "<"))
        output += hexadecimal(bytes)
        output.append(UInt8(ascii: ">"))
    }

    /// Upper-case hexadecimal digits of `bytes` (§7.3.4.3 hexadecimal strings, §7.3.5 `#xx` in names): the one
    /// hex encoder of the reader, the writer and the PAdES `/Contents`.
    static func hexadecimal(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        Array(ASCIIHex.encode(bytes, uppercase: true).utf8)
    }
}
