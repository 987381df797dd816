import Foundation
import X509

/// The rules a validation follows (README, "Validation policy"): chains must end at a trust anchor;
/// revocation data comes from the document or, unless offline, from the certificate's OCSP or CRL addresses, and
/// counts only when fresh and in scope (`RevocationChecker`); no usable revocation data means not TOTAL-PASSED;
/// QESig only for issuers on the configured trusted list; and the work of one validation is bounded (`limits`).
public struct ValidationPolicy: Sendable {
    /// Certificates a chain may end at (Licna's root by default, more from files).
    public var trustAnchors: [Certificate]
    /// Issuing CAs on a configured trusted list (ETSI TS 119 612): their qualified certificates with QcSSCD
    /// make a signature QESig.
    public var trustedListIssuers: [Certificate]
    /// Where revocation data is fetched from when the document does not carry fresh data; nil means offline.
    public var revocationSource: (any RevocationSource)?
    /// The validation time when no timestamp proves an earlier one: the caller's wall clock (`WallClock.now`), or
    /// the time a person asked about (`licna-card verify --at`).
    public var now: Date
    /// The clock the wall-time limit is measured on (`ContinuousClock` in production; a test clock in tests).
    public var clock: any Clock<Duration>
    /// How much work one validation may do.
    public var limits: ValidationLimits
    /// How old revocation data may be to count as current now (thisUpdate no earlier than `now` minus this), besides
    /// being before its nextUpdate. Default 366 days: a root's yearly CRL is current for its whole life, while an
    /// OCSP response or a CRL of an issuing CA is bounded by its much shorter nextUpdate. Data issued at or after a
    /// proven signature time is not subject to it.
    public var maximumRevocationAge: TimeInterval
    /// How much earlier than the control time (the time a trusted timestamp proves) revocation data may have been
    /// issued and still count as issued at it. Signers gather revocation data while they sign, a moment before the
    /// timestamp (pyHanko's B-LT does): without a tolerance their files would fail for a second's difference.
    /// Default 60 seconds; a kept "good" answer is refused unless the revocation and the new signature both fell
    /// within this window after it.
    public var revocationTimeTolerance: TimeInterval

    public init(trustAnchors: [Certificate], trustedListIssuers: [Certificate] = [],
                revocationSource: (any RevocationSource)? = nil, now: Date, clock: any Clock<Duration>,
                limits: ValidationLimits = ValidationLimits(), maximumRevocationAge: TimeInterval = 366 * 86_400,
                revocationTimeTolerance: TimeInterval = 60) {
        self.trustAnchors = trustAnchors
        self.trustedListIssuers = trustedListIssuers
        self.revocationSource = revocationSource
        self.now = now
        self.clock = clock
        self.limits = limits
        self.maximumRevocationAge = maximumRevocationAge
        self.revocationTimeTolerance = revocationTimeTolerance
    }

    /// A fresh budget for one validation, its time starting now on `clock`.
    public func makeBudget() -> ValidationBudget {
        ValidationBudget(limits: limits, clock: clock)
    }
}
