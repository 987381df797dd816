import LicnaPKI
import X509

/// Finds which CA a CertID names (RFC 6960 §4.1.1: hashes of the issuer's name and key) for every hash
/// algorithm a client may use, and holds that CA's response builder.
struct OCSPIssuerIndex: Sendable {
    struct Key: Hashable, Sendable {
        let algorithm: DigestAlgorithm
        let nameHash: [UInt8]
        let keyHash: [UInt8]
    }

    struct Issuer: Sendable {
        let name: AuthorityName
        let builder: OCSPResponseBuilder
    }

    private let issuers: [Key: Issuer]

    init(hierarchy: TrustHierarchy) throws {
        var issuers: [Key: Issuer] = [:]
        for (name, authority) in hierarchy.authorities {
            guard let responder = hierarchy.responders[name] else { continue }
            let issuer = Issuer(name: name, builder: try OCSPResponseBuilder(responder: responder))
            let nameDER = try DEREncoding.encode(authority.certificate.subject)
            let keyBits = Array(authority.certificate.publicKey.subjectPublicKeyInfoBytes)
            for algorithm in DigestAlgorithm.allCases {
                issuers[Key(algorithm: algorithm, nameHash: algorithm.hash(nameDER), keyHash: algorithm.hash(keyBits))] = issuer
            }
        }
        self.issuers = issuers
    }

    func issuer(for certID: OCSPCertID) -> Issuer? {
        issuers[Key(algorithm: certID.hashAlgorithm, nameHash: certID.issuerNameHash, keyHash: certID.issuerKeyHash)]
    }
}
