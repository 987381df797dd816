import Foundation
import SwiftASN1
import X509

/// An RFC 3161 time-stamping authority without I/O: it turns a request into a TimeStampResp (§2.4.2).
/// The caller supplies the serial number (allocated from its database) and the time (from its clock).
///
/// The token is a SignedData (RFC 3161 §2.4.2) with eContentType `id-ct-TSTInfo` and signed attributes
/// content-type, message-digest and signing-certificate-v2 (RFC 5816 §2.2.1). Certificates are embedded only
/// when the request sets `certReq`.
public struct TimeStampResponder: Sendable {
    /// The TSA certificate; RFC 3161 §2.3 requires a critical extended key usage of exactly `timeStamping`.
    public var certificate: Certificate
    /// Certificates to embed after the TSA certificate when `certReq` is true (intermediates).
    public var chain: [Certificate]
    /// The TSA's signing key.
    public var signer: any SignatureProducer
    /// The policy used when the request names none (RFC 3161 §2.4.2 `policy`).
    public var defaultPolicy: ASN1ObjectIdentifier
    /// Further policies a request may ask for; anything else gets `unacceptedPolicy`.
    public var acceptedPolicies: [ASN1ObjectIdentifier]
    /// Imprint hashes the TSA accepts; anything else gets `badAlg`.
    public var acceptedHashAlgorithms: Set<DigestAlgorithm>
    /// `accuracy` written in every TSTInfo.
    public var accuracy: TSTAccuracy?
    /// Digits of the second written in `genTime` (0–6).
    public var fractionalSecondDigits: Int
    /// Whether to fill `tsa` with the certificate subject as a directoryName.
    public var includesTSAName: Bool
    /// The CMS message-digest hash.
    public var digestAlgorithm: DigestAlgorithm

    /// A responder; throws `.profileViolation` when the certificate lacks the critical timeStamping extended
    /// key usage (RFC 3161 §2.3) or the signer key is not the certificate's.
    public init(
        certificate: Certificate,
        chain: [Certificate] = [],
        signer: any SignatureProducer,
        defaultPolicy: ASN1ObjectIdentifier = .licnaTimestampPolicy,
        acceptedPolicies: [ASN1ObjectIdentifier] = [],
        accuracy: TSTAccuracy? = nil
    ) throws {
        guard let eku = certificate.extensions[oid: .X509ExtensionID.extendedKeyUsage], eku.critical,
            let usages = try? ExtendedKeyUsage(eku), Array(usages) == [.timeStamping]
        else {
            throw PKIError(.profileViolation, "TSA certificate needs a critical extendedKeyUsage of only timeStamping")
        }
        guard signer.publicKey == certificate.publicKey else {
            throw PKIError(.profileViolation, "the TSA signer key is not the TSA certificate's key")
        }
        self.certificate = certificate
        self.chain = chain
        self.signer = signer
        self.defaultPolicy = defaultPolicy
        self.acceptedPolicies = acceptedPolicies
        self.acceptedHashAlgorithms = [.sha256, .sha384, .sha512]
        self.accuracy = accuracy
        self.fractionalSecondDigits = 3
        self.includesTSAName = true
        self.digestAlgorithm = .sha256
    }

    /// Throws the `PKIError` a request deserves: the checks of `TimeStampRequest.validate()`, then hash
    /// algorithm, policy and extensions against this TSA (RFC 3161 §2.4.2).
    public func check(_ request: TimeStampRequest) throws {
        try request.validate()
        let algorithm = try request.messageImprint.digestAlgorithm
        guard acceptedHashAlgorithms.contains(algorithm) else {
            throw PKIError(.unsupportedAlgorithm, "imprint hash \(algorithm) is not accepted")
        }
        if let policy = request.requestedPolicy, policy != defaultPolicy, !acceptedPolicies.contains(policy) {
            throw PKIError(.unacceptedPolicy, "policy \(policy) is not offered")
        }
        if let extensions = request.extensions, !extensions.isEmpty {
            throw PKIError(.unacceptedExtension, "request extensions are not supported")
        }
    }

    /// The failure a decoded request deserves, nil when it is acceptable.
    public func failure(for request: TimeStampRequest) -> PKIFailureInfo? {
        do {
            try check(request)
            return nil
        } catch {
            return PKIFailureInfo(error: error)
        }
    }

    /// The failure DER request bytes deserve, nil when acceptable: badDataFormat for garbage, badAlg for an
    /// unknown or refused hash, badRequest for a wrong version or hash length, unacceptedPolicy/-Extension.
    public func failure(for data: [UInt8]) -> PKIFailureInfo? {
        do {
            return failure(for: try TimeStampRequest(derEncoded: data))
        } catch {
            return PKIFailureInfo(error: error)
        }
    }

    /// The TSTInfo answering `request` (RFC 3161 §2.4.2). `serialNumber` is a positive big-endian integer.
    public func tstInfo(for request: TimeStampRequest, serialNumber: [UInt8], genTime: Date) throws -> TSTInfo {
        try check(request)
        let serial = Array(serialNumber.drop { $0 == 0 })
        guard !serial.isEmpty, serial.count <= 20 else {
            throw PKIError(.profileViolation, "serial number must be positive and at most 160 bits")
        }
        return TSTInfo(
            policy: request.requestedPolicy ?? defaultPolicy,
            messageImprint: request.messageImprint,
            serialNumber: serial,
            genTime: try TSTInfo.genTime(for: genTime, fractionalDigits: fractionalSecondDigits),
            accuracy: accuracy,
            nonce: request.nonce,
            tsaName: includesTSAName ? .directoryName(certificate.subject) : nil
        )
    }

    /// The DER of the TimeStampToken (a ContentInfo, RFC 3161 §2.4.2) answering `request`.
    public func token(for request: TimeStampRequest, serialNumber: [UInt8], genTime: Date) async throws -> [UInt8] {
        let info = try tstInfo(for: request, serialNumber: serialNumber, genTime: genTime)
        var builder = CMSSignedDataBuilder(
            content: try info.derBytes(),
            signerCertificate: certificate,
            contentType: .CMS.tstInfo,
            digestAlgorithm: digestAlgorithm,
            additionalCertificates: chain
        )
        builder.includesCertificates = request.certificateRequested
        return try await builder.sign(signer: signer)
    }

    /// The DER of a granted TimeStampResp; throws the `PKIError` of `check(_:)` for an unacceptable request.
    public func response(for request: TimeStampRequest, serialNumber: [UInt8], genTime: Date) async throws -> [UInt8] {
        let token = try await token(for: request, serialNumber: serialNumber, genTime: genTime)
        let contentInfo = try CMSContentInfo(derEncoded: token)
        return try TimeStampResponse(status: PKIStatusInfo(status: .granted), token: contentInfo).derBytes()
    }

    /// `response(for:serialNumber:genTime:)` with a serial number given as an integer.
    public func response(for request: TimeStampRequest, serialNumber: UInt64, genTime: Date) async throws -> [UInt8] {
        try await response(for: request, serialNumber: .bigEndianMagnitude(serialNumber), genTime: genTime)
    }

    /// A TimeStampResp for raw request bytes: granted, or a rejection carrying `failure(for:)`; a signing
    /// failure becomes `systemFailure`.
    public func response(forRequestDER data: [UInt8], serialNumber: [UInt8], genTime: Date) async throws -> [UInt8] {
        let request: TimeStampRequest
        do {
            request = try TimeStampRequest(derEncoded: data)
            try check(request)
        } catch {
            return try Self.rejection(PKIFailureInfo(error: error), statusString: "\(error)")
        }
        do {
            return try await response(for: request, serialNumber: serialNumber, genTime: genTime)
        } catch {
            return try Self.rejection(.systemFailure, statusString: "the time-stamping service failed")
        }
    }

    /// The DER of a TimeStampResp with status rejection(2) and `failure` as failInfo (RFC 3161 §2.4.2).
    public static func rejection(_ failure: PKIFailureInfo, statusString: String? = nil) throws -> [UInt8] {
        let status = PKIStatusInfo(status: .rejection, statusString: statusString.map { [$0] }, failureInfo: failure)
        return try TimeStampResponse(status: status).derBytes()
    }
}
