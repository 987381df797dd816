/// Where relying parties find the status and issuer of a certificate, written into AIA
/// (RFC 5280 §4.2.2.1) and CRL distribution points (§4.2.1.13). Built from the server's public URL.
public struct TrustServiceLocations: Hashable, Sendable {
    /// The OCSP responder (`…/pki/ocsp`); nil for certificates whose status is not served by OCSP.
    public var ocsp: String?
    /// The issuing CA's certificate in DER (`…/pki/ca/<name>.cer`).
    public var caIssuers: String?
    /// The CRL partition that will list this certificate if it is revoked.
    public var crl: String?

    public init(ocsp: String?, caIssuers: String?, crl: String?) {
        self.ocsp = ocsp
        self.caIssuers = caIssuers
        self.crl = crl
    }
}
