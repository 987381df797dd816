import Foundation
import Logging

/// Where account emails go (`licna serve --smtp-host`, or with `--dev` a folder).
public enum MailDelivery: Sendable {
    /// No way to send: registration and password reset say so and offer nothing.
    case none
    /// Development: each message is written to a file in `directory` and its link logged.
    case folder(String)
    /// An SMTP relay (RFC 5321) such as the host's own MTA; plain SMTP, no authentication.
    case smtp(host: String, port: Int, from: String)

    public var isAvailable: Bool {
        if case .none = self { return false }
        return true
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends `mail` (blocking: run it off the event loop).
    func send(_ mail: AccountMail, sender: String, now: Date, logger: Logger) throws {
        let messageID = UUID().uuidString.lowercased() + "@licna"
        switch self {
        case .none:
            throw Failure(description: "no mail delivery is configured")
        case .folder(let directory):
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let name = "\(Int(now.timeIntervalSince1970))-\(messageID.prefix(8)).eml"
            let path = (directory as NSString).appendingPathComponent(name)
            let text = mail.rfc5322(from: sender, date: now, messageID: messageID)
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw Failure(description: "cannot write \(path)")
            }
            // Development only: the link is logged so that a developer can follow it without a mail reader.
            logger.notice("development mail written", metadata: ["file": "\(path)", "link": "\(mail.link)"])
        case .smtp(let host, let port, let from):
            try SMTPClient(host: host, port: port).deliver(mail.rfc5322(from: from, date: now, messageID: messageID), from: from, to: mail.to)
        }
    }

    var sender: String {
        if case .smtp(_, _, let from) = self { return from }
        return "no-reply@licna.invalid"
    }
}
