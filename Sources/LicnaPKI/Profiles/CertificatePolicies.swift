import SwiftASN1
import X509

/// RFC 5280 §4.2.1.4 certificate policies, identifiers only (no qualifiers):
/// `certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation`.
public struct CertificatePolicies: Hashable, Sendable {
    public var policies: [ASN1ObjectIdentifier]

    public init(_ policies: [ASN1ObjectIdentifier]) {
        self.policies = policies
    }

    public func makeExtension() throws -> Certificate.Extension {
        let value = try DEREncoding.encode { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                for policy in policies {
                    try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(policy) }
                }
            }
        }
        return Certificate.Extension(oid: .PKIXExtensions.certificatePolicies, critical: false, value: value[...])
    }

    /// The policy identifiers in an extension value.
    public init(extensionValue: ArraySlice<UInt8>) throws {
        let root = try DER.parse(extensionValue)
        let infos = try DER.sequence(of: ASN1Any.self, identifier: .sequence, rootNode: root)
        var policies: [ASN1ObjectIdentifier] = []
        for info in infos {
            let node = try DER.parse(DEREncoding.encode(info))
            policies.append(try DER.sequence(node, identifier: .sequence) { nodes in
                let id = try ASN1ObjectIdentifier(derEncoded: &nodes)
                while nodes.next() != nil {}
                return id
            })
        }
        self.policies = policies
    }
}
