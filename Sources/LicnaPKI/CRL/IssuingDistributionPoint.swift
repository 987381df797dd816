import SwiftASN1
import X509

/// A CRL's issuing distribution point (RFC 5280 §5.2.5): which partition of the issuer's certificates the CRL
/// covers. A validator uses it to decide whether a CRL speaks for a certificate at all (§6.3.3 (b)(2)): a CRL of
/// another partition says nothing about certificates outside it, whatever it does not list.
///
/// ```
/// IssuingDistributionPoint ::= SEQUENCE {
///     distributionPoint          [0] DistributionPointName OPTIONAL,
///     onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
///     onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
///     onlySomeReasons            [3] ReasonFlags OPTIONAL,
///     indirectCRL                [4] BOOLEAN DEFAULT FALSE,
///     onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
/// DistributionPointName ::= CHOICE { fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] RelativeDistinguishedName }
/// ```
public struct IssuingDistributionPoint: Sendable, Hashable {
    /// The URIs of the `fullName` (uniformResourceIdentifier general names); empty when there is no name.
    public var uris: [String]
    /// True when a distribution point name is present (a URI or another kind of name).
    public var hasName: Bool
    public var onlyContainsUserCerts: Bool
    public var onlyContainsCACerts: Bool
    /// True when the CRL covers only some revocation reasons (`onlySomeReasons`): not complete for every reason.
    public var onlySomeReasons: Bool
    public var indirectCRL: Bool
    public var onlyContainsAttributeCerts: Bool

    public init(uris: [String] = [], hasName: Bool? = nil, onlyContainsUserCerts: Bool = false, onlyContainsCACerts: Bool = false,
                onlySomeReasons: Bool = false, indirectCRL: Bool = false, onlyContainsAttributeCerts: Bool = false) {
        self.uris = uris
        self.hasName = hasName ?? !uris.isEmpty
        self.onlyContainsUserCerts = onlyContainsUserCerts
        self.onlyContainsCACerts = onlyContainsCACerts
        self.onlySomeReasons = onlySomeReasons
        self.indirectCRL = indirectCRL
        self.onlyContainsAttributeCerts = onlyContainsAttributeCerts
    }

    /// Parses the extension's value (the DER of the SEQUENCE above).
    public init(extensionValue bytes: some Collection<UInt8>) throws {
        self.init()
        try DER.sequence(try DER.parse(Array(bytes)), identifier: .sequence) { nodes in
            while let node = nodes.next() {
                guard node.identifier.tagClass == .contextSpecific else { throw PKIError(.malformed, "unexpected field in issuingDistributionPoint") }
                switch node.identifier.tagNumber {
                case 0:
                    hasName = true
                    uris = Self.uniformResourceIdentifiers(in: node)
                case 1: onlyContainsUserCerts = try Self.boolean(node)
                case 2: onlyContainsCACerts = try Self.boolean(node)
                case 3: onlySomeReasons = true
                case 4: indirectCRL = try Self.boolean(node)
                case 5: onlyContainsAttributeCerts = try Self.boolean(node)
                default: throw PKIError(.malformed, "unexpected field in issuingDistributionPoint")
                }
            }
        }
    }

    /// `[n] IMPLICIT BOOLEAN`: one content byte, zero for false.
    private static func boolean(_ node: ASN1Node) throws -> Bool {
        guard case .primitive(let value) = node.content, value.count == 1 else {
            throw PKIError(.malformed, "bad BOOLEAN in issuingDistributionPoint")
        }
        return value[value.startIndex] != 0
    }

    /// Every `[6]` uniformResourceIdentifier under a DER node (a distribution point name, or a certificate's whole
    /// CRL distribution points extension), at most 8 levels down.
    public static func uniformResourceIdentifiers(in node: ASN1Node, depth: Int = 0) -> [String] {
        guard depth < 8 else { return [] }
        switch node.content {
        case .constructed(let children):
            return children.flatMap { uniformResourceIdentifiers(in: $0, depth: depth + 1) }
        case .primitive(let value):
            guard node.identifier == ASN1Identifier(tagWithNumber: 6, tagClass: .contextSpecific),
                  let text = String(bytes: value, encoding: .ascii) else { return [] }
            return [text]
        }
    }
}

extension CertificateRevocationList {
    /// The issuing distribution point extension, parsed; nil when the CRL has none (it then covers every
    /// certificate of its issuer, RFC 5280 §5.2.5).
    public func issuingDistributionPoint() throws -> IssuingDistributionPoint? {
        try extensions.first { $0.oid == .PKIXExtensions.issuingDistributionPoint }.map { try IssuingDistributionPoint(extensionValue: $0.value) }
    }

    /// True for a delta CRL (RFC 5280 §5.2.4): it lists only changes since a base CRL, so a certificate it does not
    /// list may still be revoked.
    public var isDelta: Bool { extensions.contains { $0.oid == .PKIXExtensions.deltaCRLIndicator } }

    /// The critical extensions this library does not process (RFC 5280 §5.2: a CRL with one must not be used to
    /// decide a certificate's status).
    public var unrecognizedCriticalExtensions: [Certificate.Extension] {
        let known: Set<ASN1ObjectIdentifier> = [.PKIXExtensions.issuingDistributionPoint, .PKIXExtensions.cRLNumber,
                                                .PKIXExtensions.authorityKeyIdentifier, .PKIXExtensions.deltaCRLIndicator,
                                                .PKIXExtensions.freshestCRL]
        return extensions.filter { $0.critical && !known.contains($0.oid) }
    }
}
