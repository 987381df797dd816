/// Which certificates a CRL partition covers (RFC 5280 §5.2.5 issuing distribution point).
public enum CRLScope: Sendable, Hashable {
    /// Every certificate of the issuer (a root's single CRL).
    case all
    /// End-entity certificates only (`onlyContainsUserCerts`).
    case userCertificates
    /// CA certificates only (`onlyContainsCACerts`).
    case caCertificates
}
