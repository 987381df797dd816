import SwiftASN1
import X509

/// The qualified-certificate statements of ETSI EN 319 412-5 §4, carried in the RFC 3739 §3.2.6 extension:
///
/// ```
/// QCStatements ::= SEQUENCE OF QCStatement
/// QCStatement ::= SEQUENCE { statementId OBJECT IDENTIFIER, statementInfo ANY DEFINED BY statementId OPTIONAL }
/// ```
public struct QCStatements: Hashable, Sendable {
    /// ETSI EN 319 412-5 §4.3.3: the certificate type.
    public enum QCType: Hashable, Sendable {
        case eSign, eSeal

        var oid: ASN1ObjectIdentifier { self == .eSign ? .QC.typeESign : .QC.typeESeal }
    }

    /// ETSI EN 319 412-5 §4.3.4: where the PKI disclosure statement is, and in which language.
    public struct DisclosureStatement: Hashable, Sendable {
        public var url: String
        /// ISO 639-1 language code, two letters.
        public var language: String

        public init(url: String, language: String) {
            self.url = url
            self.language = language
        }
    }

    /// §4.2.1 esi4-qcStatement-1: the certificate is an EU-style qualified certificate.
    public var compliance: Bool
    /// §4.2.2 esi4-qcStatement-4: the private key lives in a qualified signature-creation device.
    public var keyOnQSCD: Bool
    public var type: QCType?
    public var disclosureStatements: [DisclosureStatement]

    public init(compliance: Bool = true, keyOnQSCD: Bool, type: QCType?, disclosureStatements: [DisclosureStatement]) {
        self.compliance = compliance
        self.keyOnQSCD = keyOnQSCD
        self.type = type
        self.disclosureStatements = disclosureStatements
    }

    /// The non-critical extension (EN 319 412-5 §4.1: QCStatements SHALL NOT be marked critical... by this profile).
    public func makeExtension() throws -> Certificate.Extension {
        let value = try DEREncoding.encode { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                if compliance { try statement(.QC.compliance, into: &coder) { _ in } }
                if keyOnQSCD { try statement(.QC.sscd, into: &coder) { _ in } }
                if let type {
                    try statement(.QC.type, into: &coder) { coder in
                        try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(type.oid) }
                    }
                }
                if !disclosureStatements.isEmpty {
                    try statement(.QC.pds, into: &coder) { coder in
                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                            for pds in disclosureStatements {
                                try coder.appendConstructedNode(identifier: .sequence) { coder in
                                    try coder.serialize(ASN1IA5String(pds.url))
                                    try coder.serialize(ASN1PrintableString(pds.language))
                                }
                            }
                        }
                    }
                }
            }
        }
        return Certificate.Extension(oid: .PKIXExtensions.qcStatements, critical: false, value: value[...])
    }

    /// Reads the statements Licna writes back from an extension value.
    public init(extensionValue: ArraySlice<UInt8>) throws {
        self.init(compliance: false, keyOnQSCD: false, type: nil, disclosureStatements: [])
        let root = try DER.parse(extensionValue)
        try DER.sequence(of: ASN1Any.self, identifier: .sequence, rootNode: root).forEach { any in
            let node = try DER.parse(DEREncoding.encode(any))
            try DER.sequence(node, identifier: .sequence) { nodes in
                let id = try ASN1ObjectIdentifier(derEncoded: &nodes)
                switch id {
                case .QC.compliance: compliance = true
                case .QC.sscd: keyOnQSCD = true
                case .QC.type:
                    let types = try DER.sequence(of: ASN1ObjectIdentifier.self, identifier: .sequence, nodes: &nodes)
                    type = types.contains(.QC.typeESign) ? .eSign : types.contains(.QC.typeESeal) ? .eSeal : nil
                case .QC.pds:
                    disclosureStatements = try DER.sequence(of: ASN1Any.self, identifier: .sequence, nodes: &nodes).map { entry in
                        try DER.sequence(DER.parse(DEREncoding.encode(entry)), identifier: .sequence) { fields in
                            let url = try ASN1IA5String(derEncoded: &fields)
                            let language = try ASN1PrintableString(derEncoded: &fields)
                            return DisclosureStatement(url: String(url), language: String(language))
                        }
                    }
                default: break
                }
                while nodes.next() != nil {}
            }
        }
    }

    private func statement(_ id: ASN1ObjectIdentifier, into coder: inout DER.Serializer,
                           info: (inout DER.Serializer) throws -> Void) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(id)
            try info(&coder)
        }
    }
}
