/// `POST /api/pki/virtual-card-attestation-keys`: a virtual card's attestation public key, to be certified by the
/// installation's development root.
public struct AttestationKeyRequest: Codable, Sendable, Hashable {
    /// The public key, PEM (SubjectPublicKeyInfo).
    public var publicKey: String

    public init(publicKey: String) { self.publicKey = publicKey }
}

/// The answer to `POST /api/pki/virtual-card-attestation-keys`.
public struct AttestationKeyCertificate: Codable, Sendable, Hashable {
    /// The attestation key's certificate, PEM.
    public var certificate: String

    public init(certificate: String) { self.certificate = certificate }
}

/// `POST /api/pki/security-objects`: the data groups of an eMRTD (ICAO 9303-10 §4.6.2) to be signed into EF.SOD.
public struct SecurityObjectRequest: Codable, Sendable, Hashable {
    /// Data group number (`"1"` … `"16"`) to the file's contents, base64.
    public var dataGroups: [String: String]

    public init(dataGroups: [String: String]) { self.dataGroups = dataGroups }
}

/// The answer to `POST /api/pki/security-objects`.
public struct SecurityObjectResponse: Codable, Sendable, Hashable {
    /// EF.SOD, base64.
    public var securityObject: String

    public init(securityObject: String) { self.securityObject = securityObject }
}
