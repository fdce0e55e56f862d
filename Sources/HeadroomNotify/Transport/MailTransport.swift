/// Sends one message over SMTP: the I/O seam of the email channel.
///
/// Implementation requirements: never send credentials over an unencrypted connection
/// unless the configuration allows it; 4xx replies and connection problems are
/// `.retryable`, 5xx replies `.permanent`, with the server's reply (never the password)
/// in the message.
public protocol MailTransport: Sendable {
    func send(_ data: [UInt8], from: String, to: [String], configuration: EmailConfiguration) async throws(DeliveryError)
}
