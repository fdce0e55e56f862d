import Foundation
import HeadroomTesting
import HeadroomCore
import HeadroomNotify
import Testing

/// The live transport against a real HTTPS server whose CA the test made with openssl.
@Suite("HTTPS transport")
struct HTTPSTests {
    static let tls = TLSFixture.shared
    static let server = SharedFixture { try Receiver.start(tls: try tls.wait()) }
    static let mutualServer = SharedFixture { try Receiver.start(tls: try tls.wait(), requireClientCertificate: true) }

    func webhook(_ url: String, tls: TLSSettings, timeout: Duration = .seconds(5)) -> WebhookNotifier {
        WebhookNotifier(
            channel: "hook",
            configuration: WebhookConfiguration(
                endpoint: HTTPEndpoint(url: Secret(url), tls: tls, timeout: timeout),
                signingSecret: Secret(Receiver.secrets["webhook_secret"]!)), transport: LiveHTTPTransport(), timeZone: utc)
    }

    @Test("delivers over HTTPS when the server's CA is the configured ca_file; the receiver verifies the HMAC")
    func trusted() async throws {
        let server = try await Self.server.get()
        let id = "/hook/trusted-\(UUID().uuidString)"
        try await webhook(server.url(id), tls: TLSSettings(caFile: try await Self.tls.get().caCertificate)).deliver(sampleNotification())
        let received = try await server.requests(under: id)
        #expect(received.count == 1)
        #expect(received.first?.json["rule"] as? String == "cpu_overload")
    }

    @Test(
        "refuses a certificate from a CA it was not told to trust, and the system roots do not trust it either",
        arguments: [true, false])
    func untrusted(otherCA: Bool) async throws {
        let server = try await Self.server.get()
        let id = "/hook/untrusted-\(UUID().uuidString)"
        let tls = otherCA ? TLSSettings(caFile: try await Self.tls.get().otherCACertificate) : TLSSettings()
        await #expect {
            try await webhook(server.url(id), tls: tls, timeout: .seconds(1)).deliver(sampleNotification())
        } throws: { error in
            guard case .retryable(let reason) = error as? DeliveryError else { return false }
            return reason.contains("TLS") || reason.contains("certificate")
        }
        #expect(try await server.requests(under: id).isEmpty)
    }

    @Test("presents the client certificate when configured; a server that requires one refuses us without it")
    func clientCertificate() async throws {
        let tls = try await Self.tls.get()
        let server = try await Self.mutualServer.get()
        let id = "/hook/mtls-\(UUID().uuidString)"
        let withCertificate = TLSSettings(caFile: tls.caCertificate, clientCertificateFile: tls.clientCertificate, clientKeyFile: tls.clientKey)
        try await webhook(server.url(id), tls: withCertificate).deliver(sampleNotification())
        await #expect(throws: DeliveryError.self) {
            try await webhook(server.url(id), tls: TLSSettings(caFile: tls.caCertificate)).deliver(sampleNotification())
        }
        #expect(try await server.requests(under: id).count == 1)
    }

    @Test("plain http to a non-loopback address is refused before any connection")
    func plainHTTP() async throws {
        let notifier = webhook("http://192.0.2.1:9/hook", tls: TLSSettings())
        await #expect(
            throws: DeliveryError.permanent(
                "hook: the url uses plain http to 192.0.2.1, which is not a loopback address: use https, or set allow_insecure: true on this channel")
        ) {
            try await notifier.deliver(sampleNotification())
        }
    }
}
