import SwiftASN1

/// RFC 3161 §2.4.2 `PKIStatus ::= INTEGER { granted (0), grantedWithMods (1), rejection (2), waiting (3),
/// revocationWarning (4), revocationNotification (5) }`.
public enum PKIStatus: Int, Hashable, Sendable {
    case granted = 0
    case grantedWithMods = 1
    case rejection = 2
    case waiting = 3
    case revocationWarning = 4
    case revocationNotification = 5
}

/// RFC 3161 §2.4.2:
///
/// ```
/// PKIStatusInfo ::= SEQUENCE {
///     status PKIStatus,
///     statusString PKIFreeText OPTIONAL,
///     failInfo PKIFailureInfo OPTIONAL }
/// PKIFreeText ::= SEQUENCE SIZE (1..MAX) OF UTF8String
/// ```
public struct PKIStatusInfo: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `status`.
    public var status: PKIStatus
    /// `statusString`.
    public var statusString: [String]?
    /// `failInfo`.
    public var failureInfo: PKIFailureInfo?

    /// A status info with the given fields.
    public init(status: PKIStatus, statusString: [String]? = nil, failureInfo: PKIFailureInfo? = nil) {
        self.status = status
        self.statusString = statusString
        self.failureInfo = failureInfo
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let rawStatus = try Int(derEncoded: &nodes)
            guard let status = PKIStatus(rawValue: rawStatus) else {
                throw ASN1Error.invalidASN1Object(reason: "unknown PKIStatus \(rawStatus)")
            }
            let text = try DER.optionalImplicitlyTagged(&nodes, tagNumber: 16, tagClass: .universal) { node in
                try DER.sequence(of: ASN1UTF8String.self, identifier: .sequence, rootNode: node).map { String($0) }
            }
            let failure: PKIFailureInfo? = try DER.optionalImplicitlyTagged(&nodes)
            return PKIStatusInfo(status: status, statusString: text, failureInfo: failure)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(status.rawValue)
            if let statusString, !statusString.isEmpty {
                try coder.serializeSequenceOf(statusString.map { ASN1UTF8String($0) })
            }
            if let failureInfo { try coder.serialize(failureInfo) }
        }
    }
}
