import LicnaAPI
import Vapor

// The shared request and answer bodies of the JSON APIs, encoded and decoded by Vapor as its `Content`.
extension APIErrorBody: Content {}
extension CertificateIssueRequest: Content {}
extension IssuedCertificate: Content {}
extension RevocationRequest: Content {}
extension AttestationKeyRequest: Content {}
extension AttestationKeyCertificate: Content {}
extension SecurityObjectRequest: Content {}
extension SecurityObjectResponse: Content {}
extension CardView: Content {}
extension CardNonce: Content {}
extension CardRenewalStep: Content {}
extension CardNonceRequest: Content {}
extension CardPresenceProof: Content {}
extension CardSignedToken: Content {}
extension CardSuspensionRequest: Content {}
extension CardBlockedReport: Content {}
extension CardStatistics: Content {}
extension CardApplicationRequest: Content {}
extension CardReplacementRequest: Content {}
extension CardPersonalizationPlanBody: Content {}
extension CardPersonalizationRecord: Content {}
