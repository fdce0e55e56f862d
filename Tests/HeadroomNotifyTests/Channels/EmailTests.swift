import Foundation
import HeadroomTesting
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Email channel")
struct EmailTests {
    static let tls = TLSFixture.shared
    static let starttls = SharedFixture { try SMTPServer(mode: "starttls", tls: try tls.wait()) }
    static let implicit = SharedFixture { try SMTPServer(mode: "tls", tls: try tls.wait()) }
    static let loginOnly = SharedFixture { try SMTPServer(mode: "starttls", tls: try tls.wait(), loginOnly: true) }

    func configuration(
        _ server: SMTPServer, security: EmailConfiguration.Security, password: String = SMTPServer.password,
        caFile: String? = nil
    ) async throws -> EmailConfiguration {
        let caFile = if let caFile { caFile } else { try await Self.tls.get().caCertificate }
        return EmailConfiguration(
            host: "127.0.0.1", port: server.port, security: security, username: SMTPServer.user, password: Secret(password),
            from: "headroom@example.test", to: ["oncall@example.test", "李雷@example.test"],
            tls: TLSSettings(caFile: caFile), timeout: .seconds(10))
    }

    /// Parses the received MIME message with Python's email package, independently of our writer.
    func parse(_ raw: String) throws -> [String: String] {
        let (_, data) = try Subprocess.run(
            [
                "/usr/bin/env", "python3", "-c",
                """
                import email, email.policy, json, sys
                m = email.message_from_string(sys.stdin.read(), policy=email.policy.default)
                out = {k: str(m[k]) for k in ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version"]}
                out["type"] = m.get_content_type()
                out["plain"] = m.get_body(("plain",)).get_content()
                out["html"] = m.get_body(("html",)).get_content()
                out["date_ok"] = str(email.utils.parsedate_to_datetime(m["Date"]) is not None)
                print(json.dumps(out))
                """,
            ], input: Array(raw.utf8))
        return try #require(try JSONSerialization.jsonObject(with: Data(data)) as? [String: String])
    }

    @Test(
        "STARTTLS, AUTH PLAIN, two recipients; the received MIME parses with a UTF-8 subject, both parts, Date and Message-ID",
        arguments: ["starttls", "tls", "login"])
    func delivers(mode: String) async throws {
        let server = try await (mode == "tls" ? Self.implicit : mode == "login" ? Self.loginOnly : Self.starttls).get()
        let before = server.messages().count
        var notification = sampleNotification(.resolved)
        notification.host = "推理-01"
        let email = EmailNotifier(
            channel: "mail", configuration: try await configuration(server, security: mode == "tls" ? .tls : .starttls),
            transport: SMTPClient(heloName: "headroom.test"), timeZone: shanghai)
        try await email.deliver(notification)
        let messages = server.messages()
        try #require(messages.count == before + 1)
        let received = try #require(messages.last)
        #expect(received["tls"] as? Bool == true)
        #expect(received["login"] as? String == SMTPServer.user)
        #expect(received["to"] as? [String] == ["oncall@example.test", "李雷@example.test"])
        let parsed = try parse(try #require(received["data"] as? String))
        #expect(parsed["Subject"] == "[RESOLVED] WARNING cpu_overload on 推理-01")
        #expect(parsed["type"] == "multipart/alternative")
        #expect(parsed["plain"]?.contains("cpu_used_percent is 41.7% now (peak 99.0%), lasted 6m33s") == true)
        #expect(parsed["html"]?.contains("<h3>[RESOLVED] WARNING cpu_overload on 推理-01</h3>") == true)
        #expect(parsed["date_ok"] == "True")
        #expect(parsed["Message-ID"]?.hasPrefix("<\(DeliveryContext.key(for: notification)).1@example.test>") == true)
    }

    @Test("a wrong password is a permanent error quoting the server, never the password")
    func wrongPassword() async throws {
        let server = try await Self.starttls.get()
        let email = EmailNotifier(channel: "mail", configuration: try await configuration(server, security: .starttls, password: "wrong-secret"))
        do {
            try await email.deliver(sampleNotification())
            Issue.record("delivered with a wrong password")
        } catch {
            guard case .permanent(let reason) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(reason.contains("535"))
            #expect(!reason.contains("wrong-secret"))
        }
    }

    @Test("a server certificate from another CA is refused before AUTH")
    func untrusted() async throws {
        let server = try await Self.starttls.get()
        var untrusting = try await configuration(server, security: .starttls, caFile: try await Self.tls.get().otherCACertificate)
        // A sender of its own: the other tests deliver to the same server meanwhile.
        untrusting.from = "untrusted@example.test"
        let email = EmailNotifier(channel: "mail", configuration: untrusting)
        await #expect(throws: DeliveryError.self) { try await email.deliver(sampleNotification()) }
        #expect(!server.messages().contains { $0["from"] as? String == untrusting.from })
    }

    @Test("security: none is refused for a non-loopback host")
    func insecure() async throws {
        let configuration = EmailConfiguration(host: "mail.example.com", security: .none, from: "a@example.test", to: ["b@example.test"])
        await #expect(
            throws: DeliveryError.permanent(
                "email: security: none to mail.example.com, which is not a loopback address: use starttls or tls, or set allow_insecure: true")
        ) {
            try await SMTPClient().send([], from: "a@example.test", to: ["b@example.test"], configuration: configuration)
        }
    }

    @Test("MIME details: encoded-word subject split on characters, RFC 5322 date, dot-stuffing")
    func mime() {
        let subject = EmailMessage.encodedWord(String(repeating: "显存告警", count: 10))
        for word in subject.components(separatedBy: "\r\n ") {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=") && word.count <= 75)
        }
        #expect(EmailMessage.encodedWord("plain ascii") == "plain ascii")
        #expect(EmailMessage.rfc5322(Date(timeIntervalSince1970: 1_800_000_010)) == "Fri, 15 Jan 2027 08:00:10 +0000")
    }
}
