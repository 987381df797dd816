import Foundation
import LicnaCore
@testable import LicnaServer
import Testing
import VaporTesting

/// Issue 10, item 11: every route parameter and JSON field that parses a number, a serial, a date or hex gets
/// non-ASCII digits (fullwidth, Arabic-Indic, mathematical), empty and huge values and a seeded mix of them, and must
/// answer with a client error — never a trap (which would end the process and this test run) and never a 500.
@Suite struct HostileParameterTests {
    /// The fixed cases and `count` seeded random mixes (SplitMix64, so a failure reproduces).
    static func hostileValues(seed: UInt64, count: Int = 40) -> [String] {
        var fixed = ["０１", "ＡＢ", "١٢٣", "۱۲۳", "१२३", "𝟙𝟚", "¹²", "Ⅻ", "1\u{200B}2", "", " ", "-", "-1", "+1", "0x", "0x０１", ":", "::",
                     "1e400", "nan", "inf", String(repeating: "9", count: 64), String(repeating: "f", count: 41), String(repeating: "9", count: 20_000),
                     "2026-0２-01", "２０２６-01-01", "2026-13-45", "0000-00-00", "9999999999-01-01", "%00", "%ff%fe", "..", "root.cer/..", "x.crl"]
        let alphabet = Array("0123456789abcdefABCDEF:-+x.%/０１２３４５６７８９ＡＦ٠١٢٣٤٥٦٧٨٩𝟎𝟏¹²\u{200B}\u{00A0} ")
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for _ in 0..<count {
            let length = Int(next() % 48) + 1
            fixed.append(String((0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }))
        }
        return fixed
    }

    static func pathComponent(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "x"
    }

    @Test(arguments: [UInt64(1), 2])
    func routeParametersAndJSONFieldsNeverTrapOrFail(seed: UInt64) async throws {
        try await TestInstallation.make(.sqlite).withApp(demo: true) { app in
            let officerBearer = try await officerToken(app)
            try await TrustFixtures.initialize(app)
            let officer: HTTPHeaders = ["Authorization": "Bearer \(officerBearer)", "Content-Type": "application/json"]
            var checked = 0
            func expectClientError(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil) async throws {
                var body = ByteBuffer()
                if let json { body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)) }
                try await app.testing().test(method, path, headers: officer, body: body) { response in
                    #expect(response.status.code < 500, "\(method) \(path.prefix(80)): \(response.status)")
                    checked += 1
                }
            }
            for value in Self.hostileValues(seed: seed) {
                let component = Self.pathComponent(value)
                for path in ["api/pki/certificates/\(component)", "pki/crl/\(component)", "pki/ca/\(component)", "pki/ocsp/\(component)"] {
                    try await expectClientError(.GET, path)
                }
                for action in ["revoke", "hold", "release"] {
                    try await expectClientError(.POST, "api/pki/certificates/\(component)/\(action)", json: ["reason": "superseded"])
                }
                try await expectClientError(.POST, "api/pki/certificates/01/revoke", json: ["reason": "keyCompromise", "invalidityDate": value])
                try await expectClientError(.POST, "api/pki/certificates", json: ["profile": "signature", "csr": value, "notAfter": value])
                try await expectClientError(.POST, "api/registry/search", json: ["identificationNumber": value, "purpose": "citizen-request"])
                try await expectClientError(.POST, "api/registry/search", json: ["jmbg": value, "purpose": "citizen-request"])
                try await expectClientError(.POST, "api/registry/search", json: ["name": "Ana", "bornBefore": value, "purpose": "citizen-request"])
                try await expectClientError(.POST, "api/registry/births", json: [
                    "givenName": "Ana", "surname": "Test", "birthDate": value, "birthPlace": "Bar", "sex": "female", "regionCode": 22,
                    "citizenship": "ME", "address": "Obala 1", "municipality": "Bar"])
                try await expectClientError(.POST, "api/registry/deaths", json: ["personId": value, "date": value])
                try await expectClientError(.POST, "api/registry/deaths", json: ["personId": UUID().uuidString, "date": value])
            }
            #expect(checked >= 70 * 14)
        }
    }
}
