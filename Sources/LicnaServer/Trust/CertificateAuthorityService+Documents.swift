import Fluent
import Foundation
import LicnaCore
import LicnaPKI

extension CertificateAuthorityService {
    /// Signs an eMRTD security object (EF.SOD, ICAO 9303-10 §4.6.2) over the given data groups with the CSCA's
    /// document signer, with an audit entry. The data groups themselves are not kept.
    public func securityObject(dataGroups: [Int: [UInt8]], context: AuditContext) async throws -> [UInt8] {
        guard let signer = try await hierarchy().documentSigner else { throw TrustError.notInitialized }
        let securityObject = try await DocumentSecurityObject.build(dataGroups: dataGroups, documentSigner: signer.certificate,
                                                                    signer: SoftwareSignatureProducer(privateKey: signer.privateKey))
        let groups = dataGroups.keys.sorted().map(String.init).joined(separator: ",")
        try await database.retryingTransaction { db in
            try await audit.append([context.event(.caSignSecurityObject, .documentSigner, AuthorityName.csca.rawValue, detail: "data groups \(groups)")], on: db)
        }
        return securityObject
    }
}
