import SwiftASN1

/// Object identifiers used by Licna's trust services, each with the clause that defines it.
extension ASN1ObjectIdentifier {
    /// Licna's private enterprise arc. A national deployment replaces it with the arc its registry assigns.
    public static let licnaArc: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 64_512, 1]
    /// Licna's certificate policy for citizen certificates (RFC 5280 §4.2.1.4).
    public static let licnaCitizenPolicy: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 64_512, 1, 1, 1]
    /// Licna's certificate policy for institution certificates (e-seals, TSA).
    public static let licnaInstitutionPolicy: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 64_512, 1, 1, 2]
    /// Licna's timestamping policy (RFC 3161 §2.4.2 `TSAPolicyId`).
    public static let licnaTimestampPolicy: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 64_512, 1, 2, 1]

    public enum Hashes {
        public static let sha1: ASN1ObjectIdentifier = [1, 3, 14, 3, 2, 26]
        public static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
        public static let sha384: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 2]
        public static let sha512: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 3]
    }

    public enum Signatures {
        public static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
        public static let ecdsaWithSHA384: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 3]
        public static let ecdsaWithSHA512: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 4]
        public static let sha256WithRSAEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 11]
        public static let sha384WithRSAEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 12]
        public static let sha512WithRSAEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 13]
        public static let sha1WithRSAEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 5]
        public static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 1]
        public static let rsaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 10]
        public static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
        public static let ed25519: ASN1ObjectIdentifier = [1, 3, 101, 112]
    }

    /// RFC 5280 §4.2.1 and §5.2 extension identifiers without a typed API in swift-certificates.
    public enum PKIXExtensions {
        public static let cRLDistributionPoints: ASN1ObjectIdentifier = [2, 5, 29, 31]
        public static let certificatePolicies: ASN1ObjectIdentifier = [2, 5, 29, 32]
        public static let cRLNumber: ASN1ObjectIdentifier = [2, 5, 29, 20]
        public static let issuingDistributionPoint: ASN1ObjectIdentifier = [2, 5, 29, 28]
        /// RFC 5280 §5.2.4: a delta CRL names the complete CRL it updates; it is not complete itself.
        public static let deltaCRLIndicator: ASN1ObjectIdentifier = [2, 5, 29, 27]
        /// RFC 5280 §5.2.6: where the delta CRLs of a complete CRL are found.
        public static let freshestCRL: ASN1ObjectIdentifier = [2, 5, 29, 46]
        public static let reasonCode: ASN1ObjectIdentifier = [2, 5, 29, 21]
        public static let invalidityDate: ASN1ObjectIdentifier = [2, 5, 29, 24]
        public static let authorityKeyIdentifier: ASN1ObjectIdentifier = [2, 5, 29, 35]
        /// ETSI EN 319 412-5 §4: qualified certificate statements (RFC 3739 §3.2.6).
        public static let qcStatements: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 1, 3]
        /// RFC 6960 §4.2.2.2.1: id-pkix-ocsp-nocheck.
        public static let ocspNoCheck: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 5]
        /// RFC 6960 §4.4.1: id-pkix-ocsp-nonce.
        public static let ocspNonce: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 2]
        /// RFC 6960 §4.2.1: id-pkix-ocsp-basic.
        public static let ocspBasic: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 1]
    }

    /// ETSI EN 319 412-5 §4.2 and §4.3 statement and type identifiers.
    public enum QC {
        public static let compliance: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 1]
        public static let sscd: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 4]
        public static let pds: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 5]
        public static let type: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 6]
        public static let typeESign: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 6, 1]
        public static let typeESeal: ASN1ObjectIdentifier = [0, 4, 0, 1862, 1, 6, 2]
        /// ETSI EN 319 411-2 §5.3: QCP-n (natural person, key not on a QSCD).
        public static let policyQCPn: ASN1ObjectIdentifier = [0, 4, 0, 194_112, 1, 0]
        /// ETSI EN 319 411-2 §5.3: QCP-l (legal person).
        public static let policyQCPl: ASN1ObjectIdentifier = [0, 4, 0, 194_112, 1, 1]
        /// ETSI EN 319 411-2 §5.3: QCP-n-qscd (natural person, key on a QSCD).
        public static let policyQCPnQSCD: ASN1ObjectIdentifier = [0, 4, 0, 194_112, 1, 2]
    }

    /// Licna's key-attestation extensions (`licnaArc`.3), written by the card in the certificate ATTEST answers
    /// (docs/card.md, "Key attestation"); the card's encoder spells the same arc in `AttestationCertificate`.
    public enum Attestation {
        /// The card model the manufacturer certified (UTF8String).
        public static let cardModel: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 64_512, 1, 3, 1]
        /// The card's serial number (UTF8String).
        public static let cardSerial: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 64_512, 1, 3, 2]
        /// The PIV key slot (OCTET STRING of one byte: `9A`, `9C`).
        public static let keySlot: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 64_512, 1, 3, 3]
        /// PIN and touch policy (OCTET STRING of two bytes, Yubico's values).
        public static let policy: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 64_512, 1, 3, 4]
    }

    /// RFC 5652 and RFC 5035 content types and attributes.
    public enum CMS {
        public static let data: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 7, 1]
        public static let signedData: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 7, 2]
        public static let contentTypeAttribute: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 3]
        public static let messageDigestAttribute: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 4]
        public static let signingTimeAttribute: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 5]
        /// RFC 5035 §3: id-aa-signingCertificateV2.
        public static let signingCertificateV2Attribute: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 16, 2, 47]
        /// RFC 3161 §2.4.2: id-ct-TSTInfo.
        public static let tstInfo: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 16, 1, 4]
        /// RFC 3161 Appendix A: id-aa-timeStampToken (unsigned attribute of a signature).
        public static let timeStampTokenAttribute: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 16, 2, 14]
    }

    /// ICAO 9303 part 10/11 identifiers for the document security object.
    public enum ICAO {
        public static let ldsSecurityObject: ASN1ObjectIdentifier = [2, 23, 136, 1, 1, 1]
    }

    /// ETSI EN 319 412-1 §5.1.4 organizationIdentifier (X.520 2.5.4.97); the other name attributes are in
    /// swift-asn1's `NameAttributes`.
    public static let organizationIdentifier: ASN1ObjectIdentifier = [2, 5, 4, 97]
}
