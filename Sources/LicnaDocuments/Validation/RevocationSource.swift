import Foundation
import X509

/// Where a validator gets OCSP responses and CRLs it does not already have (RFC 6960, RFC 5280 §5).
public protocol RevocationSource: Sendable {
    /// A DER OCSP response for `certificate` from `url`, or nil when none could be had.
    func ocspResponse(url: String, request: [UInt8]) async -> [UInt8]?
    /// A DER CRL from `url`, or nil when none could be had.
    func crl(url: String) async -> [UInt8]?
}

/// Revocation data carried with the signature (the PDF's DSS, ETSI EN 319 142-1 §5.4): bytes to try first.
public struct EmbeddedRevocationData: Sendable {
    public var ocspResponses: [[UInt8]]
    public var crls: [[UInt8]]
    public var certificates: [Certificate]

    public init(ocspResponses: [[UInt8]] = [], crls: [[UInt8]] = [], certificates: [Certificate] = []) {
        self.ocspResponses = ocspResponses
        self.crls = crls
        self.certificates = certificates
    }
}
