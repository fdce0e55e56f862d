import Foundation
import HeadroomCore
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP client on SwiftNIO + NIOSSL (the live `MailTransport`): implicit TLS or
/// STARTTLS (required when configured), EHLO, AUTH PLAIN or LOGIN, several recipients,
/// DATA with dot-stuffing, QUIT. Certificates are always verified.
public struct SMTPClient: MailTransport {
    /// The name sent with EHLO.
    let heloName: String

    public init(heloName: String? = nil) {
        let name = heloName ?? ProcessInfo.processInfo.hostName
        self.heloName = name.isEmpty ? "localhost" : name
    }

    public func send(_ data: [UInt8], from: String, to: [String], configuration: EmailConfiguration) async throws(DeliveryError) {
        if configuration.security == .none, !configuration.allowInsecure, !HTTPEndpoint.isLoopback(configuration.host) {
            throw .permanent(
                "email: security: none to \(configuration.host), which is not a loopback address: use starttls or tls, or set allow_insecure: true")
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.converse(data, from: from, to: to, configuration: configuration) }
                group.addTask {
                    try await TimedWait.sleep(for: configuration.timeout)
                    throw DeliveryError.retryable("email: the SMTP conversation took longer than \(configuration.timeout.headroomDescription)")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch let error as DeliveryError {
            throw error
        } catch let error as SMTPReplyError {
            throw error.deliveryError
        } catch {
            throw .retryable("email: \(configuration.host):\(configuration.port): \(String(describing: error).prefix(300))")
        }
    }

    /// The TLS context and the name to verify (nil for an IP address: verified against the
    /// certificate's IP entries, and never sent as SNI).
    private func tls(_ configuration: EmailConfiguration) throws -> (NIOSSLContext, String?) {
        let context = try NIOSSLContext(configuration: try LiveHTTPTransport.tlsConfiguration(configuration.tls))
        let isAddress = configuration.host.allSatisfy { $0.isNumber || $0 == "." } || configuration.host.contains(":")
        return (context, isAddress ? nil : configuration.host)
    }

    private func converse(_ data: [UInt8], from: String, to: [String], configuration: EmailConfiguration) async throws {
        let implicitTLS = configuration.security == .tls
        let (context, serverName) = try tls(configuration)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let underlying = channel.channel
        try await channel.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            func reply() async throws -> SMTPReply {
                var text: [String] = []
                while let line = try await lines.next() {
                    text.append(line)
                    if line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] != "-" { break }
                }
                guard let last = text.last, let code = Int(last.prefix(3)) else {
                    throw DeliveryError.retryable("email: the server closed the connection")
                }
                return SMTPReply(code: code, lines: text.map { String($0.dropFirst(4)) })
            }
            func command(_ text: String, expect: Set<Int>, what: String, secret: Bool = false) async throws -> SMTPReply {
                try await outbound.write(ByteBuffer(string: text + "\r\n"))
                let answer = try await reply()
                guard expect.contains(answer.code) else { throw SMTPReplyError(step: secret ? what : what, reply: answer) }
                return answer
            }
            let greeting = try await reply()
            guard greeting.code == 220 else { throw SMTPReplyError(step: "greeting", reply: greeting) }
            var hello = try await command("EHLO \(heloName)", expect: [250], what: "EHLO")
            if configuration.security == .starttls {
                guard hello.capabilities.contains("STARTTLS") else {
                    throw DeliveryError.permanent(
                        "email: \(configuration.host) does not offer STARTTLS; use security: tls, or security: none for a loopback relay")
                }
                _ = try await command("STARTTLS", expect: [220], what: "STARTTLS")
                try await underlying.eventLoop.submit {
                    try underlying.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: serverName), position: .first)
                }.get()
                hello = try await command("EHLO \(heloName)", expect: [250], what: "EHLO after STARTTLS")
            }
            if let username = configuration.username {
                let password = try configuration.password?.reveal() ?? ""
                let mechanisms = hello.capabilities.first { $0.hasPrefix("AUTH") }?.split(separator: " ").dropFirst().map(String.init) ?? []
                if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
                    let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                    _ = try await command("AUTH PLAIN \(token)", expect: [235], what: "AUTH PLAIN", secret: true)
                } else {
                    _ = try await command("AUTH LOGIN", expect: [334], what: "AUTH LOGIN")
                    _ = try await command(Data(username.utf8).base64EncodedString(), expect: [334], what: "AUTH LOGIN username", secret: true)
                    _ = try await command(Data(password.utf8).base64EncodedString(), expect: [235], what: "AUTH LOGIN password", secret: true)
                }
            }
            _ = try await command("MAIL FROM:<\(from)>", expect: [250], what: "MAIL FROM")
            for recipient in to { _ = try await command("RCPT TO:<\(recipient)>", expect: [250, 251], what: "RCPT TO \(recipient)") }
            _ = try await command("DATA", expect: [354], what: "DATA")
            try await outbound.write(ByteBuffer(bytes: Self.dotStuffed(data) + Array("\r\n.\r\n".utf8)))
            let accepted = try await reply()
            guard accepted.code == 250 else { throw SMTPReplyError(step: "message", reply: accepted) }
            try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
            _ = try? await reply()
        }
    }

    /// Doubles a leading `.` on every line (RFC 5321 §4.5.2); strips a final CRLF the
    /// terminator adds back.
    static func dotStuffed(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 16)
        var lineStart = true
        for byte in data {
            if lineStart && byte == UInt8(ascii: ".") { out.append(byte) }
            out.append(byte)
            lineStart = byte == UInt8(ascii: "\n")
        }
        if out.suffix(2) == [13, 10] { out.removeLast(2) }
        return out
    }
}

/// One SMTP reply: code and text lines.
struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]
    /// EHLO keywords, upper-cased (`STARTTLS`, `AUTH PLAIN LOGIN`).
    var capabilities: [String] { lines.dropFirst().map { $0.uppercased() } }
}

/// A reply the conversation did not expect: 4xx retryable, 5xx permanent.
struct SMTPReplyError: Error {
    var step: String
    var reply: SMTPReply
    var deliveryError: DeliveryError {
        let text = "email: \(step) answered \(reply.code) \(reply.lines.joined(separator: " ").prefix(200))"
        return (400..<500).contains(reply.code) ? .retryable(text) : .permanent(text)
    }
}

/// Splits the byte stream into CRLF- (or LF-) terminated lines.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        let length = newline - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
