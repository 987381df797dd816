import LicnaDocuments
import LicnaTestSupport
import Testing

@Suite struct PDFObjectTests {
    private func parse(_ text: String) throws -> PDFObject { try PDFObject.parse(Array(text.utf8)) }

    @Test func basicTypesParse() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .boolean(true))
        #expect(try parse("-42") == .integer(-42))
        #expect(try parse("+17") == .integer(17))
        #expect(try parse("3.25") == .real(3.25))
        #expect(try parse("-.5") == .real(-0.5))
        #expect(try parse("4.") == .real(4))
        #expect(try parse("/Name") == .name("Name"))
        #expect(try parse("12 0 R") == .reference(PDFReference(objectNumber: 12)))
        #expect(try parse("[1 2 0 R /A]") == .array([1, .reference(PDFReference(objectNumber: 2)), .name("A")]))
    }

    @Test func literalStringEscapesDecode() throws {
        let object = try parse(#"(a\(b\)c\\ \n\101\0611 (nested) line\#ncontinued\#r\#nend)"#)
        #expect(object.stringValue?.bytes == Array("a(b)c\\ \nA11 (nested) line\ncontinued\nend".utf8))
        // Backslash at end of line continues the string; an octal escape may have one to three digits.
        #expect(try parse("(ab\\\ncd\\7x)").stringValue?.bytes == Array("abcd".utf8) + [7, UInt8(ascii: "x")])
    }

    @Test func hexStringsAndLiteralsDecodeToBytes() throws {
        #expect(try parse("<48 65 6C6c 6F>") == .string(PDFString(bytes: Array("Hello".utf8))))
        #expect(try parse("<901FA>").stringValue?.bytes == [0x90, 0x1F, 0xA0])
        #expect(try parse("<>").stringValue?.bytes == [])
        #expect(try parse("<FEFF0106010D>").stringValue?.text == "Ćč")
    }

    @Test func namesDecodeHashEscapes() throws {
        #expect(try parse("/A#20B#23") == .name("A B#"))
        #expect(try parse("/Lime#20Green") == .name("Lime Green"))
        #expect(try parse("/") == .name(""))
    }

    @Test func dictionariesKeepKeyOrder() throws {
        let dictionary = try #require(try parse("<< /Z 1 /A << /B [true] >> /M (x) >>").dictionaryValue)
        #expect(dictionary.keys == ["Z", "A", "M"])
        #expect(dictionary["A"]?.dictionaryValue?["B"] == [true])
        #expect(PDFSerializer.serialize(.dictionary(dictionary)) == Array("<</Z 1/A <</B [true]>>/M (x)>>".utf8))
    }

    @Test(arguments: ["(", "<<", "[1 2", "<41", "<< /A >", ">", ")", "<< 1 2 >>", "]", "obj", "1 0 obj"])
    func malformedInputIsAnError(_ text: String) {
        #expect(throws: PDFError.self) { try PDFObject.parse(Array(text.utf8)) }
    }

    @Test func deepNestingIsRefused() {
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect { try PDFObject.parse(deep) } throws: { ($0 as? PDFError)?.code == .nestingTooDeep }
        let fine = Array((String(repeating: "[", count: 60) + String(repeating: "]", count: 60)).utf8)
        #expect((try? PDFObject.parse(fine)) != nil)
    }

    @Test func errorsSayWhere() throws {
        do {
            _ = try PDFObject.parse(Array("[1 2 <4G>]".utf8))
            Issue.record("no error")
        } catch let error as PDFError {
            #expect(error.code == .syntax)
            #expect(error.offset == 7)
        }
    }

    @Test func serializerEscapesStringsAndNames() throws {
        let string = PDFObject.string(PDFString(bytes: Array("a(b)\\c\n".utf8) + [0, 0xFF]))
        #expect(string.serialized == Array(#"(a\(b\)\\c\n\000\377)"#.utf8))
        #expect(PDFObject.name("A B/#").serialized == Array("/A#20B#2F#23".utf8))
        #expect(PDFObject.name("Šiš").serialized == Array("/#C5#A0i#C5#A1".utf8))
        #expect(PDFObject.real(0.1).serialized == Array("0.1".utf8))
        #expect(PDFObject.real(-2.5e-3).serialized == Array("-0.0025".utf8))
        #expect(PDFObject.real(1e20).serialized == Array("100000000000000000000".utf8))
        let hex = PDFObject.string(PDFString(bytes: [0xAB, 0x01], prefersHexadecimal: true))
        #expect(hex.serialized == Array("<AB01>".utf8))
    }

    @Test func serializedObjectsParseBackEqual() throws {
        var random = SeededRandom(seed: 5)
        for _ in 0..<500 {
            let object = randomObject(depth: 0, using: &random)
            let text = object.serialized
            #expect(try PDFObject.parse(text) == object, "\(String(decoding: text, as: UTF8.self))")
        }
    }

    @Test func streamsSerializeWithTheirLength() throws {
        let stream = PDFStream(dictionary: ["Type": .name("XObject")], bytes: Array("abc".utf8))
        let bytes = PDFSerializer.serializeIndirectObject(.stream(stream), as: PDFReference(objectNumber: 7))
        #expect(String(decoding: bytes, as: UTF8.self) == "7 0 obj\n<</Type /XObject/Length 3>>\nstream\nabc\nendstream\nendobj\n")
    }

    @Test func pdfDatesParse() throws {
        let date = try #require(PDFDate.parse("D:20240102030405+01'00'"))
        #expect(date.timeIntervalSince1970 == 1_704_161_045)
        #expect(PDFDate.parse("D:2024")?.timeIntervalSince1970 == 1_704_067_200)
        #expect(PDFDate.parse("D:20241301") == nil)
        #expect(PDFDate.parse("garbage") == nil)
    }

    private func randomObject(depth: Int, using random: inout SeededRandom) -> PDFObject {
        switch Int.random(in: 0..<(depth > 3 ? 7 : 9), using: &random) {
        case 0: return .null
        case 1: return .boolean(Bool.random(using: &random))
        case 2: return .integer(Int.random(in: -1_000_000...1_000_000, using: &random))
        case 3: return .real(Double(Int.random(in: -100_000...100_000, using: &random)) / 64 + 0.0078125)
        case 4:
            let bytes = (0..<Int.random(in: 0...20, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            return .string(PDFString(bytes: bytes, prefersHexadecimal: Bool.random(using: &random)))
        case 5:
            let scalars = (0..<Int.random(in: 0...8, using: &random)).map { _ in
                Character(Unicode.Scalar(UInt8.random(in: 1...127, using: &random)))
            }
            return .name(String(scalars))
        case 6: return .reference(PDFReference(objectNumber: Int.random(in: 1...9_999, using: &random), generation: Int.random(in: 0...3, using: &random)))
        case 7: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomObject(depth: depth + 1, using: &random) })
        default:
            var dictionary = PDFDictionary()
            for index in 0..<Int.random(in: 0...4, using: &random) {
                let value = randomObject(depth: depth + 1, using: &random)
                dictionary["K\(index)"] = value
            }
            return .dictionary(dictionary)
        }
    }
}
