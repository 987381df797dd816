import SwiftASN1

/// RFC 3161 §2.4.2:
///
/// ```
/// PKIFailureInfo ::= BIT STRING {
///     badAlg (0), badRequest (2), badDataFormat (5), timeNotAvailable (14),
///     unacceptedPolicy (15), unacceptedExtension (16), addInfoNotAvailable (17),
///     systemFailure (25) }
/// ```
///
/// Bit `n` of the BIT STRING is bit `n` of `rawValue`. DER (X.690 §11.2.2) drops trailing zero bits of a
/// named-bit list, so the encoding is as short as the highest set bit allows.
public struct PKIFailureInfo: OptionSet, DERImplicitlyTaggable, Hashable, Sendable, CustomStringConvertible {
    public static var defaultIdentifier: ASN1Identifier { .bitString }

    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Unrecognized or unsupported algorithm identifier.
    public static let badAlg = PKIFailureInfo(rawValue: 1 << 0)
    /// Transaction not permitted or supported.
    public static let badRequest = PKIFailureInfo(rawValue: 1 << 2)
    /// The data submitted has the wrong format.
    public static let badDataFormat = PKIFailureInfo(rawValue: 1 << 5)
    /// The TSA's time source is not available.
    public static let timeNotAvailable = PKIFailureInfo(rawValue: 1 << 14)
    /// The requested TSA policy is not supported by the TSA.
    public static let unacceptedPolicy = PKIFailureInfo(rawValue: 1 << 15)
    /// The requested extension is not supported by the TSA.
    public static let unacceptedExtension = PKIFailureInfo(rawValue: 1 << 16)
    /// The additional information requested could not be understood or is not available.
    public static let addInfoNotAvailable = PKIFailureInfo(rawValue: 1 << 17)
    /// The request cannot be handled due to system failure.
    public static let systemFailure = PKIFailureInfo(rawValue: 1 << 25)

    /// The failure an error from request decoding or checking stands for.
    public init(error: any Error) {
        switch (error as? PKIError)?.code {
        case .malformed?: self = .badDataFormat
        case .unsupportedAlgorithm?: self = .badAlg
        case .badRequest?: self = .badRequest
        case .unacceptedPolicy?: self = .unacceptedPolicy
        case .unacceptedExtension?: self = .unacceptedExtension
        default: self = .systemFailure
        }
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        let bits = try ASN1BitString(derEncoded: node, withIdentifier: identifier)
        var value: UInt32 = 0
        for (index, byte) in bits.bytes.prefix(4).enumerated() {
            for bit in 0..<8 where byte & (0x80 >> UInt8(bit)) != 0 {
                value |= 1 << UInt32(index * 8 + bit)
            }
        }
        self.init(rawValue: value)
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        let highest = rawValue == 0 ? -1 : 31 - rawValue.leadingZeroBitCount
        var bytes = [UInt8](repeating: 0, count: highest / 8 + 1)
        if highest < 0 { bytes = [] }
        for bit in 0...max(highest, 0) where rawValue & (1 << UInt32(bit)) != 0 {
            bytes[bit / 8] |= 0x80 >> UInt8(bit % 8)
        }
        let padding = highest < 0 ? 0 : 7 - highest % 8
        try ASN1BitString(bytes: bytes[...], paddingBits: padding).serialize(into: &coder, withIdentifier: identifier)
    }

    public var description: String {
        let names: [(PKIFailureInfo, String)] = [
            (.badAlg, "badAlg"), (.badRequest, "badRequest"), (.badDataFormat, "badDataFormat"),
            (.timeNotAvailable, "timeNotAvailable"), (.unacceptedPolicy, "unacceptedPolicy"),
            (.unacceptedExtension, "unacceptedExtension"), (.addInfoNotAvailable, "addInfoNotAvailable"),
            (.systemFailure, "systemFailure"),
        ]
        let found = names.filter { contains($0.0) }.map(\.1)
        return found.isEmpty ? "none" : found.joined(separator: ",")
    }
}
