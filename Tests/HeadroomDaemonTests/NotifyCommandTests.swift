import Foundation
import Testing
import HeadroomTesting

extension ProcessTests {
    @Suite("Notify test command")
    struct NotifyCommandTests {
        @Test("sends a test notification through each channel, prints the platform's answer and exits 1 if any fails")
        func notifyTest() async throws {
            let directory = try TemporaryDirectory()
            let port = try freeLoopbackPort()
            let receiver = try DurableDeliveryTests.Receiver(port: port)
            let path = try directory.write(
                "headroom.yaml",
                """
                channels:
                  - {type: webhook, name: good, url: "http://127.0.0.1:\(port)/hook/notify-test"}
                  - {type: webhook, name: broken, url: "http://127.0.0.1:\(port)/hook/notify-test/status/503"}
                  - {type: webhook, name: off, enabled: false, url: "http://127.0.0.1:\(port)/hook/off"}
                """)
            let (status, stdout, _) = try await HeadroomProcess.run(["notify", "test", "--config", path])
            #expect(status == 1)
            #expect(stdout == "good: ok\nbroken: FAILED (retryable): broken: HTTP 503: status 503\n")
            let (one, oneOut, _) = try await HeadroomProcess.run(["notify", "test", "--config", path, "--channel", "off"])
            #expect(one == 0)
            #expect(oneOut == "off: ok\n")
            let requests = try await receiver.requests()
            #expect(requests.map(\.path) == ["/hook/notify-test", "/hook/notify-test/status/503", "/hook/off"])
            #expect(requests.first?.body["rule"] as? String == "headroom_test")
            let (unknown, _, error) = try await HeadroomProcess.run(["notify", "test", "--config", path, "--channel", "nope"])
            #expect(unknown == 2)
            #expect(error.contains("no channel named nope; the channels are good, broken, off"))
        }
    }
}
