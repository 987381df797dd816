import Foundation
import LicnaPKI
import Testing
import X509

/// A tiny PKI built in code through `CertificateHierarchyBuilder`'s roles: a P-384 root (no path length limit), a
/// P-256 TSA (critical EKU timeStamping) and two P-256 signers of the document signer's profile (digitalSignature,
/// no EKU and no QC statements, so that their signatures are advanced, not qualified), all valid from an hour ago
/// for 30 days.
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
        // Whole seconds: a certificate keeps its times to the second, and the end entities end with the root.
        let hierarchy = CertificateHierarchyBuilder(now: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)),
                                                    backdating: 3_600)
        let lifetime: TimeInterval = 86_400 * 30
        let root = try hierarchy.selfSigned(
            .root.lasting(lifetime).pathLength(nil),
            subject: try DistinguishedName { CountryName("RS"); OrganizationName("Licna Test"); CommonName("Licna Test Root") })
        func endEntity(_ role: CertificateHierarchyBuilder.Role, _ name: String) throws -> SigningAuthority {
            try hierarchy.issue(role.lasting(lifetime), subject: try DistinguishedName { CountryName("RS"); CommonName(name) }, under: root)
        }
        let tsa = try endEntity(.timestamping, "Licna Test TSA")
        let signer = try endEntity(.documentSigner, "Signer One")
        let other = try endEntity(.documentSigner, "Signer Two")
        (self.root, rootKey) = (root.certificate, root.privateKey)
        (self.tsa, tsaKey) = (tsa.certificate, tsa.privateKey)
        (self.signer, signerKey) = (signer.certificate, signer.privateKey)
        (self.other, otherKey) = (other.certificate, other.privateKey)
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
