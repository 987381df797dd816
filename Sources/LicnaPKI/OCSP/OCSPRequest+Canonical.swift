import SwiftASN1
import X509

extension OCSPRequest {
    /// The request read in one pass when it has the shape clients send (RFC 5019 §2.1.1; what OpenSSL, NSS and the
    /// browsers write): unsigned, no version and no requestor name, 1 to `maximumCertIDs` Requests that are a bare
    /// CertID with a hash Licna supports, and either no extensions or only a nonce whose value is a DER OCTET STRING
    /// of 1 to `maximumNonceLength` octets (RFC 8954 §2.1). Nil for any other bytes, which `init(derEncoded:)` then
    /// parses in full and accepts or refuses as the full parse does. It only accepts what the full parse accepts, and
    /// reads it the same: a differential test and the fuzzer hold it to that.
    public static func canonical(_ bytes: [UInt8]) -> OCSPRequest? {
        typealias Tag = DERConcatenation.Tag
        var whole = DERCursor(bytes)
        guard let outer = whole.next(Tag.sequence), whole.atEnd else { return nil }
        var request = whole.inside(outer)
        guard let tbs = request.next(Tag.sequence), request.atEnd else { return nil }  // no optionalSignature
        var fields = request.inside(tbs)
        guard let list = fields.next(Tag.sequence) else { return nil }  // no version, no requestorName
        var certIDs: [OCSPCertID] = []
        var requests = fields.inside(list)
        while !requests.atEnd {
            guard certIDs.count < maximumCertIDs, let single = requests.next(Tag.sequence) else { return nil }
            var reqCert = requests.inside(single)
            let start = reqCert.position
            guard let certID = reqCert.next(Tag.sequence), reqCert.atEnd else { return nil }  // no singleRequestExtensions
            var parts = reqCert.inside(certID)
            let algorithmStart = parts.position
            guard parts.next(Tag.sequence) != nil,
                  let hash = Self.canonicalHashes.first(where: { $0.encoded.elementsEqual(bytes[algorithmStart..<parts.position]) })?.algorithm,
                  let nameHash = parts.next(Tag.octetString), nameHash.count == hash.outputLength,
                  let keyHash = parts.next(Tag.octetString), keyHash.count == hash.outputLength,
                  let serial = parts.next(Tag.integer), (1...21).contains(serial.count), parts.atEnd else { return nil }
            certIDs.append(OCSPCertID(hashAlgorithm: hash, issuerNameHash: Array(bytes[nameHash]), issuerKeyHash: Array(bytes[keyHash]),
                                      serialContent: bytes[serial], encoded: Array(bytes[start..<reqCert.position])))
        }
        guard !certIDs.isEmpty else { return nil }
        guard !fields.atEnd else { return OCSPRequest(certIDs: certIDs, nonceExtension: nil) }
        guard let explicit = fields.next(Tag.contextConstructed(2)), fields.atEnd else { return nil }
        var tagged = fields.inside(explicit)
        guard let extensions = tagged.next(Tag.sequence), tagged.atEnd else { return nil }
        var extensionList = tagged.inside(extensions)
        guard let only = extensionList.next(Tag.sequence), extensionList.atEnd else { return nil }
        var nonceParts = extensionList.inside(only)
        let oidStart = nonceParts.position
        guard nonceParts.next(Tag.objectIdentifier) != nil, Self.nonceOID.elementsEqual(bytes[oidStart..<nonceParts.position]),
              let value = nonceParts.next(Tag.octetString), nonceParts.atEnd else { return nil }  // not critical
        var nonce = nonceParts.inside(value)
        guard let octets = nonce.next(Tag.octetString), nonce.atEnd, (1...maximumNonceLength).contains(octets.count) else { return nil }
        return OCSPRequest(certIDs: certIDs, nonceExtension: Certificate.Extension(oid: .PKIXExtensions.ocspNonce, critical: false, value: bytes[value]))
    }

    /// Each supported hash's AlgorithmIdentifier, with its parameters absent and as NULL (RFC 5754 §2), encoded.
    private static let canonicalHashes: [(encoded: [UInt8], algorithm: DigestAlgorithm)] = DigestAlgorithm.allCases.flatMap { hash in
        [AlgorithmIdentifier(algorithm: hash.oid), AlgorithmIdentifier(algorithm: hash.oid, parameters: try? ASN1Any(erasing: ASN1Null()))]
            .compactMap { identifier in (try? DEREncoding.encode(identifier)).map { ($0, hash) } }
    }

    /// id-pkix-ocsp-nonce (RFC 6960 §4.4.1), encoded.
    private static let nonceOID: [UInt8] = (try? DEREncoding.encode(ASN1ObjectIdentifier.PKIXExtensions.ocspNonce)) ?? []
}
