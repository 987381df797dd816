import Foundation
@testable import LicnaIdentityProvider
import Testing

/// TOTP against RFC 6238 Appendix B's SHA-1 vectors (eight digits there; six are their last six) and RFC 4648's
/// base32 vectors; codes outside the window, replayed or not plain ASCII digits are refused.
@Suite struct TimeBasedOneTimePasswordTests {
    static let secret = Array("12345678901234567890".utf8)

    @Test(arguments: [(59.0, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
                      (2_000_000_000, "69279037"), (20_000_000_000, "65353130")])
    func rfc6238Vectors(time: Double, expected: String) {
        let eight = TimeBasedOneTimePassword(secret: Self.secret, digits: 8)
        #expect(eight.code(step: eight.step(at: Date(timeIntervalSince1970: time))) == expected)
        let six = TimeBasedOneTimePassword(secret: Self.secret)
        #expect(six.code(step: six.step(at: Date(timeIntervalSince1970: time))) == String(expected.suffix(6)))
    }

    @Test func theWindowIsOneStepAndACodeIsAcceptedOnce() {
        let totp = TimeBasedOneTimePassword(secret: Self.secret)
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let current = totp.code(step: totp.step(at: now))
        let accepted = totp.verify(current, at: now)
        #expect(accepted == totp.step(at: now))
        #expect(totp.verify(current, at: now, after: accepted) == nil)  // replayed
        #expect(totp.verify(totp.code(step: totp.step(at: now) - 1), at: now) != nil)
        #expect(totp.verify(totp.code(step: totp.step(at: now) - 2), at: now) == nil)
        #expect(totp.verify(totp.code(step: totp.step(at: now) + 2), at: now) == nil)
        let arabic = String(current.map { Character(Unicode.Scalar(0x0660 + Int(String($0))!)!) })
        let fullwidth = String(current.map { Character(Unicode.Scalar(0xFF10 + Int(String($0))!)!) })
        for hostile in [arabic, fullwidth, " " + current, current + "0", "", "abcdef", String(current.dropLast())] {
            #expect(totp.verify(hostile, at: now) == nil, "\(hostile)")
        }
    }

    @Test func base32AndTheKeyURI() {
        #expect(TimeBasedOneTimePassword.base32(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(TimeBasedOneTimePassword.base32(Array("f".utf8)) == "MY")
        #expect(TimeBasedOneTimePassword.base32([]) == "")
        let uri = TimeBasedOneTimePassword(secret: Self.secret).uri(issuer: "Licna ME", account: "jelena@example.me")
        #expect(uri == "otpauth://totp/Licna%20ME:jelena%40example%2Eme?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Licna%20ME&algorithm=SHA1&digits=6&period=30")
        #expect(TimeBasedOneTimePassword.newSecret().count == 20)
    }
}
