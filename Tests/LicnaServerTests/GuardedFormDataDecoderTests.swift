import Foundation
@testable import LicnaServer
import Testing
import Vapor
import VaporTesting

/// Multipart bodies that made MultipartKit trap and stop the server (found by schemathesis) are refused with 400 on
/// public routes (the `/verify` page shows its upload error instead); well-formed uploads still work.
@Suite struct GuardedFormDataDecoderTests {
    let installation: TestInstallation

    init() async throws { installation = try await TestInstallation.make(.sqlite) }

    static func body(_ text: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: text) }

    @Test(arguments: ["/api/signatures/validate", "/officer/login", "/verify"])
    func aNonASCIIHeaderNameIsRefused(path: String) async throws {
        try await installation.withApp { app in
            // A part whose header name starts with bytes above 0x7f: MultipartKit 4.7.1 indexed a 128-entry table with them.
            var bytes = Array("--5ce99449dd7f\r\n&".utf8) + [0xF2, 0xB4, 0xB3, 0x80, 0xC3, 0x81] + Array("Q: x\r\n\r\nbody\r\n--5ce99449dd7f--\r\n".utf8)
            try await app.testing().test(.POST, path, headers: ["Content-Type": "multipart/form-data; boundary=5ce99449dd7f", "Accept": "application/json"],
                                         body: Self.body(bytes)) { response in
                #expect(response.status == (path == "/verify" ? .ok : .badRequest), "\(path)")
            }
            // An empty boundary reached a precondition.
            bytes = Array("--\r\n\r\n--\r\n".utf8)
            try await app.testing().test(.POST, path, headers: ["Content-Type": "multipart/form-data; boundary=", "Accept": "application/json"],
                                         body: Self.body(bytes)) { response in
                #expect(path == "/verify" ? response.status == .ok : response.status.code >= 400 && response.status.code < 500, "\(path)")
            }
        }
    }

    @Test func wellFormedMultipartStillDecodes() throws {
        struct Form: Codable { var name: String; var file: Data }
        let body = Array("--b1\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nUgovor šifra\r\n--b1\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ugovor-š.pdf\"\r\n\r\n%PDF\r\n--b1--\r\n".utf8)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": "b1"])
        let form = try GuardedFormDataDecoder().decode(Form.self, from: ByteBuffer(bytes: body), headers: headers)
        #expect(form.name == "Ugovor šifra")
        #expect(Array(form.file) == Array("%PDF".utf8))
    }

    @Test func occurrencesAreFoundOverlappingAndInLinearTime() {
        #expect(GuardedFormDataDecoder.occurrences(of: Array("aa".utf8), in: Array("aaaa".utf8)) == [2, 3, 4])
        #expect(GuardedFormDataDecoder.occurrences(of: Array("--b".utf8), in: Array("x--b\r\n---b".utf8)) == [4, 10])
        #expect(GuardedFormDataDecoder.headerNamesAreASCII(Array("--b\r\nName: välue\r\n\r\n\u{e9}".utf8), delimiter: Array("--b".utf8)))
        #expect(!GuardedFormDataDecoder.headerNamesAreASCII(Array("x\r\n--b\r\nA: b\r\nN\u{e9}: v\r\n".utf8), delimiter: Array("--b".utf8)))
    }
}
