/// Baseline levels of ETSI EN 319 122-1 (CAdES) and EN 319 142-1 (PAdES) that Licna produces.
public enum SignatureLevel: String, Sendable, CaseIterable {
    /// B-B: signed attributes with signing-certificate-v2 (and, for CAdES, signing-time).
    case basic = "b-b"
    /// B-T: B-B plus a signature timestamp from a TSA.
    case timestamped = "b-t"
    /// B-LT (PAdES only here): B-T plus the certificates and revocation data in the document's DSS.
    case longTerm = "b-lt"
}
