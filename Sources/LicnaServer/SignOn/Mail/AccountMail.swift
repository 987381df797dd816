import Foundation

/// One email to an account holder (verification, password reset): plain text in UTF-8, as RFC 5322 and MIME
/// (RFC 2045, 2047) want it on the wire. The body goes base64-encoded, so no line of it can end the SMTP data early
/// or smuggle a header; the subject is an RFC 2047 encoded word.
public struct AccountMail: Sendable, Equatable {
    public var to: String
    public var subject: String
    public var body: String
    /// The link the message carries, for the development folder's log line.
    public var link: String

    /// Whether `address` can go into a header and an SMTP command as it is: no control characters, no angle
    /// brackets, one `@`, at most 254 bytes.
    public static func isDeliverable(_ address: String) -> Bool {
        address.utf8.count <= 254 && address.filter { $0 == "@" }.count == 1
            && !address.unicodeScalars.contains { $0.value < 0x21 || $0.value == 0x7F || "<>()[],;:\\\"".unicodeScalars.contains($0) }
    }

    /// The message as sent: headers, a blank line, the base64 body in 76-character lines, CRLF line ends.
    public func rfc5322(from: String, date: Date, messageID: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let encodedSubject = "=?UTF-8?B?" + Data(subject.utf8).base64EncodedString() + "?="
        let lines = [
            "From: <\(from)>", "To: <\(to)>", "Subject: \(encodedSubject)", "Date: \(formatter.string(from: date))",
            "Message-ID: <\(messageID)>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64",
        ]
        let encoded = Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + encoded + "\r\n"
    }
}
