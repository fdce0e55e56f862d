import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Logging
import Synchronization
import Testing

/// Keeps every log line with its metadata, to look for secrets in it.
final class CapturingLogHandler: LogHandler, Sendable {
    let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
    subscript(metadataKey _: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        let text = "\(event.level) \(event.message) \(event.metadata ?? [:])"
        lines.withLock { $0.append(text) }
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

@Suite("Secrets stay out of logs")
struct SecretLeakTests {
    @Test("failed deliveries log the reason, never the URL's token, the bearer token or the signing secret", arguments: [500, 401])
    func logs(status: Int) async throws {
        let server = try await Receiver.plain.get()
        let handler = CapturingLogHandler()
        let logger = Logger(label: "test") { _ in handler }
        let configuration = WebhookConfiguration(
            endpoint: HTTPEndpoint(url: Secret(server.url("/hook/leak/status/\(status)?token=URL-TOKEN-1234")), timeout: .seconds(5)),
            authorization: .bearer(Secret("BEARER-TOKEN-5678")), signingSecret: Secret("HMAC-SECRET-9012"))
        let channel = ChannelConfiguration(name: "hook", settings: .webhook(configuration))
        let delivery = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: channel, notifier: ChannelCatalog.make(channel, environment: [:]))],
            jitter: { 1 }, logger: logger)
        await delivery.submit([sampleNotification()], at: Date())
        let text = handler.text
        #expect(text.contains("HTTP \(status)"))
        for secret in ["URL-TOKEN-1234", "BEARER-TOKEN-5678", "HMAC-SECRET-9012"] {
            #expect(!text.contains(secret), "\(secret) leaked into:\n\(text)")
        }
        #expect(!"\(channel)".contains("URL-TOKEN-1234"))
    }
}
