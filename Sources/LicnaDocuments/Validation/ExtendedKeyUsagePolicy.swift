import SwiftASN1
import X509

/// Makes the verifier understand the extended key usage extension (RFC 5280 §4.2.1.12), which a TSA's
/// certificate must carry as critical with id-kp-timeStamping only (RFC 3161 §2.3), and, when `required` is
/// set, demands that the leaf carries that usage.
struct ExtendedKeyUsagePolicy: VerifierPolicy {
    let required: ExtendedKeyUsage.Usage?

    var verifyingCriticalExtensions: [ASN1ObjectIdentifier] { [.X509ExtensionID.extendedKeyUsage] }

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        guard let required else { return .meetsPolicy }
        guard let usage = try? chain.leaf.extensions.extendedKeyUsage, usage.contains(required) else {
            return .failsToMeetPolicy(reason: "the certificate is not for \(required)")
        }
        return .meetsPolicy
    }
}
