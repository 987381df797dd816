import Foundation
import X509

/// The rules a validation follows (README, "Signature validation"): chains must end at a trust anchor;
/// revocation data comes from the document or, unless offline, from the certificate's OCSP or CRL addresses;
/// no revocation data means not TOTAL-PASSED; QESig only for issuers on the configured trusted list.
public struct ValidationPolicy: Sendable {
    /// Certificates a chain may end at (Licna's root by default, more from files).
    public var trustAnchors: [Certificate]
    /// Issuing CAs on a configured trusted list (ETSI TS 119 612): their qualified certificates with QcSSCD
    /// make a signature QESig.
    public var trustedListIssuers: [Certificate]
    /// Where revocation data is fetched from when the document does not carry it; nil means offline.
    public var revocationSource: (any RevocationSource)?
    /// The validation time when no timestamp proves an earlier one.
    public var now: Date

    public init(trustAnchors: [Certificate], trustedListIssuers: [Certificate] = [],
                revocationSource: (any RevocationSource)? = nil, now: Date = Date()) {
        self.trustAnchors = trustAnchors
        self.trustedListIssuers = trustedListIssuers
        self.revocationSource = revocationSource
        self.now = now
    }
}
