/// One thing a validation found wrong or missing: a stable ``Code`` that programs branch on and ``arguments`` with
/// the values it concerns, never prose. The sentence for people comes from the translation files
/// (`verify.finding.<code>`), through ``message(_:)``; the JSON API also carries it, in the request's language, as
/// ``message``.
public struct ValidationFinding: Codable, Sendable, Hashable, CustomStringConvertible {
    /// What was found. The raw value is the stable code of the JSON report (`no-revocation-data`, …).
    public var code: Code
    /// The values the finding concerns, by name: a limit and its value, a certificate's role and name, a time, a
    /// PDF change in words, a technical detail. Never a personal number.
    public var arguments: [String: String]
    /// The sentence in a person's language, set by whoever shows the report (``translated(_:)``); not part of the
    /// finding's identity: two findings are equal when their code and arguments are.
    public var message: String?

    public init(_ code: Code, _ arguments: [String: String] = [:]) {
        self.code = code
        self.arguments = arguments
    }

    /// The translation key of the sentence: `verify.finding.<code>`.
    public var messageKey: String { "verify.finding." + code.rawValue }

    /// Arguments that are codes themselves, said in the reader's language by a part of their own
    /// (`verify.finding-part.<argument>.<value>`) before they go into the sentence: whose certificate
    /// (`signer`, `ca`, `timestamp-authority`, `ca-above-timestamp-authority`), why revocation data did not count
    /// (`gap`), and which validation limit (`limit`).
    public static let translatedArguments = ["certificate", "gap", "limit"]

    /// The values each of the ``translatedArguments`` takes.
    public static let translatedArgumentValues: [String: [String]] = [
        "certificate": ["signer", "ca", "timestamp-authority", "ca-above-timestamp-authority"],
        "gap": ["issued-before-control-time", "expired", "too-old"],
        "limit": ValidationLimitExceeded.Limit.allCases.map(\.rawValue),
    ]

    /// The sentence for people: `translate(key, arguments)` looks a key up in the reader's language (the server's
    /// `request.t`, the command line's `Terminal.text`). Coded arguments (``translatedArguments``), the optional
    /// revocation reason (`verify.finding-part.reason`) and "validated offline" (`verify.finding-part.offline`)
    /// are translated first; a part that does not apply is empty. The sentence starts with a capital letter even
    /// when it opens with a part.
    public func message(_ translate: (_ key: String, _ arguments: [String: String]) -> String) -> String {
        var values = arguments
        for name in Self.translatedArguments {
            values[name] = arguments[name].map { translate("verify.finding-part.\(name).\($0)", arguments) } ?? ""
        }
        values["reason"] = arguments["reason"].map { _ in translate("verify.finding-part.reason", arguments) } ?? ""
        values["offline"] = arguments["offline"] == "true" ? translate("verify.finding-part.offline", [:]) : ""
        let sentence = translate(messageKey, values)
        return sentence.prefix(1).uppercased() + sentence.dropFirst()
    }

    /// The finding with ``message`` set from `translate` (see ``message(_:)``).
    public func translated(_ translate: (_ key: String, _ arguments: [String: String]) -> String) -> ValidationFinding {
        var finding = self
        finding.message = message(translate)
        return finding
    }

    public static func == (lhs: ValidationFinding, rhs: ValidationFinding) -> Bool {
        lhs.code == rhs.code && lhs.arguments == rhs.arguments
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(arguments)
    }

    private enum CodingKeys: String, CodingKey {
        case code, arguments, message
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(Code.self, forKey: .code)
        arguments = try container.decodeIfPresent([String: String].self, forKey: .arguments) ?? [:]
        message = try container.decodeIfPresent(String.self, forKey: .message)
    }

    /// The code and its arguments, for logs and test failures (`no-revocation-data certificate=signer offline=true`).
    public var description: String {
        ([code.rawValue] + arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
    }
}

extension SignatureValidationReport {
    /// The report with every finding's ``ValidationFinding/message`` set from `translate` (the request's or the
    /// user's language), for JSON read by people as well as programs.
    public func translatingFindings(_ translate: (_ key: String, _ arguments: [String: String]) -> String) -> SignatureValidationReport {
        var report = self
        report.findings = findings.map { $0.translated(translate) }
        return report
    }
}
