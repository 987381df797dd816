import Foundation
@testable import LicnaDocuments
import Testing

/// The public page fetches revocation data only over http(s), only from configured hosts, and never follows a
/// redirect (no server-side request forgery).
@Suite struct HTTPRevocationSourceTests {
    @Test func onlyConfiguredHostsOverHTTP() {
        let source = HTTPRevocationSource(allowedHosts: ["eid.example.me", "ocsp.example.me:8443"])
        #expect(source.allows(URL(string: "http://eid.example.me/pki/crl/citizen-0.crl")!))
        #expect(source.allows(URL(string: "https://EID.example.me/pki/ocsp")!))
        #expect(source.allows(URL(string: "https://ocsp.example.me:8443/")!))
        #expect(!source.allows(URL(string: "http://ocsp.example.me/")!))  // another port
        #expect(!source.allows(URL(string: "http://169.254.169.254/latest/meta-data")!))
        #expect(!source.allows(URL(string: "http://127.0.0.1:5432/")!))
        #expect(!source.allows(URL(string: "file:///etc/passwd")!))
        #expect(!source.allows(URL(string: "ftp://eid.example.me/x.crl")!))
        #expect(!source.allows(URL(string: "gopher://eid.example.me/")!))
    }

    @Test func refusedAddressesAreNeverFetched() async {
        let source = HTTPRevocationSource(allowedHosts: ["eid.example.me"], timeout: 1)
        #expect(await source.crl(url: "http://127.0.0.1:9/x.crl") == nil)
        #expect(await source.ocspResponse(url: "http://10.0.0.1/", request: [0x30, 0x00]) == nil)
    }

    @Test func withoutConfiguredHostsEveryHTTPHostIsAllowed() {
        let source = HTTPRevocationSource()
        #expect(source.allows(URL(string: "http://crl.example.org/root.crl")!))
        #expect(!source.allows(URL(string: "file:///etc/passwd")!))
    }
}
