import Foundation
import LicnaAPI
import LicnaPKI
import Vapor

/// The personalization bureau's API for eMRTD security objects: `POST /api/pki/security-objects` with the data
/// groups (number → base64 file) returns EF.SOD signed by the CSCA's document signer (ICAO 9303-10 §4.6.2).
extension TrustController {
    // The bodies are LicnaAPI's, shared with the clients (`licna card create --server`).
    typealias SecurityObjectBody = SecurityObjectRequest
    typealias SecurityObjectAnswer = SecurityObjectResponse

    func securityObject(_ request: Request) async throws -> SecurityObjectAnswer {
        let body = try request.content.decode(SecurityObjectBody.self)
        var dataGroups: [Int: [UInt8]] = [:]
        for (key, value) in body.dataGroups {
            guard let number = Int(key), (1...16).contains(number), let bytes = Data(base64Encoded: value), !bytes.isEmpty else {
                throw TrustError.invalidRequest("dataGroups maps data group numbers 1–16 to base64 file contents")
            }
            dataGroups[number] = Array(bytes)
        }
        guard !dataGroups.isEmpty else { throw TrustError.invalidRequest("dataGroups is empty") }
        let securityObject = try await request.application.licna.trust.authority(on: request.db).securityObject(
            dataGroups: dataGroups, context: AuditContext(actor: request.officerActor, purpose: .cardPersonalization))
        return SecurityObjectAnswer(securityObject: Data(securityObject).base64EncodedString())
    }
}
