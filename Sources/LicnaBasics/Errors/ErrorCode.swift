/// A stable, machine-readable error code: what programs branch on (`{"error": code}` in the JSON APIs, tests,
/// the command line's own handling), never the message text. Each code is a named constant declared next to the
/// error type that raises it (`ErrorCode.caUnknownSerial`), so a code that is never declared cannot be matched.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}
