import Crypto
import Foundation
import LicnaPKI
import SwiftASN1
import Testing
import X509

/// A tiny PKI built in code: a P-384 root, a P-256 TSA (critical EKU timeStamping), two P-256 signers.
public struct CMSTestPKI: Sendable {
    public let rootKey: Certificate.PrivateKey
    public let root: Certificate
    public let tsaKey: Certificate.PrivateKey
    public let tsa: Certificate
    public let signerKey: Certificate.PrivateKey
    public let signer: Certificate
    public let otherKey: Certificate.PrivateKey
    public let other: Certificate

    public init() throws {
        // The hierarchy roles' key types (LicnaPKI); the extensions are written out here for the CMS tests.
        let rootKey = CertificateHierarchyBuilder.Role.root.keyType.makePrivateKey()
        self.rootKey = rootKey
        let rootName = try DistinguishedName { CountryName("RS"); OrganizationName("Licna Test"); CommonName("Licna Test Root") }
        root = try Self.issue(
            subject: rootName, key: rootKey.publicKey, issuer: rootName, issuerKey: rootKey,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: rootKey.publicKey)
            })
        tsaKey = CertificateHierarchyBuilder.Role.timestamping.keyType.makePrivateKey()
        tsa = try Self.leaf("Licna Test TSA", tsaKey, rootName, rootKey, eku: [.timeStamping])
        signerKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        signer = try Self.leaf("Signer One", signerKey, rootName, rootKey, eku: nil)
        otherKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        other = try Self.leaf("Signer Two", otherKey, rootName, rootKey, eku: nil)
    }

    public static func leaf(
        _ name: String, _ key: Certificate.PrivateKey, _ issuer: DistinguishedName, _ issuerKey: Certificate.PrivateKey,
        eku: [ExtendedKeyUsage.Usage]?
    ) throws -> Certificate {
        try issue(
            subject: try DistinguishedName { CountryName("RS"); CommonName(name) }, key: key.publicKey,
            issuer: issuer, issuerKey: issuerKey,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: eku == nil))
                SubjectKeyIdentifier(hash: key.publicKey)
                if let eku { Critical(try ExtendedKeyUsage(eku)) }
            })
    }

    public static func issue(
        subject: DistinguishedName, key: Certificate.PublicKey, issuer: DistinguishedName,
        issuerKey: Certificate.PrivateKey, extensions: Certificate.Extensions
    ) throws -> Certificate {
        try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key,
            notValidBefore: Date(timeIntervalSinceNow: -3600), notValidAfter: Date(timeIntervalSinceNow: 86_400 * 30),
            issuer: issuer, subject: subject, signatureAlgorithm: .preferred(for: issuerKey.publicKey),
            extensions: extensions, issuerPrivateKey: issuerKey)
    }
}

/// Deterministic generator for the generative tests of every suite (SplitMix64).
public struct SeededRandom: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `bytes` with one random flip, truncation or insertion.
    public mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var copy = bytes
        let index = Int.random(in: 0..<max(copy.count, 1), using: &self)
        switch Int.random(in: 0..<3, using: &self) {
        case 0 where !copy.isEmpty: copy[index] ^= UInt8.random(in: 1...255, using: &self)
        case 1: copy = Array(copy.prefix(index))
        default: copy.insert(UInt8.random(in: 0...255, using: &self), at: min(index, copy.count))
        }
        return copy
    }
}

/// Runs the openssl command line tool for interop tests.
public enum OpenSSLTool {
    /// The openssl executable, or nil; records an issue when it is missing and `CI` is "true".
    public static func executable() -> URL? { ExternalTool.executable("openssl") }

    /// The openssl executable; a failed requirement when it is missing (tests carry `.requires("openssl")`).
    public static func required(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        try ExternalTool.required("openssl", sourceLocation: sourceLocation)
    }

    /// Runs `openssl arguments` in `directory`; returns the exit status and the combined output.
    public static func run(_ openssl: URL, _ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        try ExternalTool.run(openssl, arguments, in: directory)
    }

    /// A fresh temporary directory.
    public static func temporaryDirectory() throws -> URL { try ExternalTool.temporaryDirectory() }

    /// Writes `certificate` as PEM.
    public static func writePEM(_ certificate: Certificate, to url: URL) throws {
        try certificate.serializeAsPEM().pemString.write(to: url, atomically: true, encoding: .utf8)
    }
}
