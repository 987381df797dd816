import FluentKit
import Foundation
import LicnaDocuments
import NIOCore

/// This installation's own OCSP responder and CRLs, called in process for the revocation data of its seals at B-LT
/// (ETSI EN 319 142-1 §5.4.2): an address of another host, or one that does not name a CRL of this installation,
/// gets nothing (the seal then fails rather than embed what it did not check).
struct InstallationRevocationSource: RevocationSource {
    let trust: TrustServices
    let database: any Database
    /// The installation's public address (`http://host:port`), which its certificates' OCSP and CRL addresses use.
    let publicURL: String

    func ocspResponse(url: String, request: [UInt8]) async -> [UInt8]? {
        guard isOwn(url) else { return nil }
        let answer = await trust.ocsp.respond(to: request, client: nil, on: database)
        guard answer.status == .successful else { return nil }
        return Array(buffer: answer.body)
    }

    func crl(url: String) async -> [UInt8]? {
        guard isOwn(url), let name = URL(string: url).flatMap({ CRLName(fileName: $0.lastPathComponent) }) else { return nil }
        return try? await trust.crls(on: database).crl(name)?.der
    }

    private func isOwn(_ url: String) -> Bool {
        guard let own = URL(string: publicURL), let asked = URL(string: url) else { return false }
        return own.host?.lowercased() == asked.host?.lowercased() && own.port == asked.port && own.scheme == asked.scheme
    }
}
