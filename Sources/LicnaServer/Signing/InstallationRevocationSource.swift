import FluentKit
import Foundation
import LicnaDocuments
import NIOCore

/// This installation's own OCSP responder and CRLs, called in process for the revocation data of its seals at B-LT
/// (ETSI EN 319 142-1 §5.4.2). The address in the certificate only names which CRL is meant: the answers come from
/// this installation's responder and CRL store, which answer only for its own CAs (a request about another CA's
/// certificate gets an OCSP error, and a CRL name it does not hold nothing), so the seal then fails rather than
/// embed what it did not check. Not the network: a responder on its own port (`serve --ocsp-port`) or behind another
/// public address is answered the same way.
struct InstallationRevocationSource: RevocationSource {
    let trust: TrustServices
    let database: any Database

    func ocspResponse(url: String, request: [UInt8]) async -> [UInt8]? {
        let answer = await trust.ocsp.respond(to: request, client: nil, on: database)
        guard answer.status == .successful else { return nil }
        return Array(buffer: answer.body)
    }

    func crl(url: String) async -> [UInt8]? {
        guard let name = URL(string: url).flatMap({ CRLName(fileName: $0.lastPathComponent) }) else { return nil }
        return try? await trust.crls(on: database).crl(name)?.der
    }
}
