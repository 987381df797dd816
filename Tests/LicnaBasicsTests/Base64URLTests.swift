import Foundation
import LicnaBasics
import Testing

/// RFC 4648 §5 base64url without padding: the direct encoder agrees with Foundation's base64 (alphabet swapped,
/// padding dropped) for every length and random bytes, and decodes back.
@Suite struct Base64URLTests {
    @Test func agreesWithFoundationAndRoundTrips() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            for _ in 0..<5 {
                let bytes = Data((0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
                let expected = bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                    .replacingOccurrences(of: "=", with: "")
                #expect(bytes.base64URLEncoded == expected, "length \(length)")
                #expect(Data(base64URL: bytes.base64URLEncoded) == bytes)
            }
        }
        // RFC 4648 §10's vectors, unpadded.
        #expect(["", "f", "fo", "foo", "foob", "fooba", "foobar"].map { Data($0.utf8).base64URLEncoded } == ["", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"])
        #expect(Data([0xFB, 0xFF, 0xBF]).base64URLEncoded == "-_-_")
    }
}
