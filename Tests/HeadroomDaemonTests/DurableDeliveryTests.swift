import Foundation
import HeadroomCore
import HeadroomNotify
import Testing
import HeadroomTesting

extension ProcessTests {
    /// The real binary, a real receiver, and `kill -9` in between.
    @Suite("Durable delivery")
    struct DurableDeliveryTests {
        /// The webhook stand-in of the notify tests, started on a given port.
        final class Receiver {
            let process: Subprocess
            /// The write end of the receiver's stdin: closing it stops the receiver.
            private let input: Int32
            let port: Int

            init(port: Int) throws {
                self.port = port
                let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent("HeadroomNotifyTests/Support/receiver.py").path
                process = try Subprocess(
                    ["/usr/bin/env", "python3", script, "--port", String(port), "{}"], standardInput: .pipe, standardOutput: .pipe)
                input = process.standardInput!
                let output = process.standardOutput!
                _ = Subprocess.readLine(output) // "PORT n": listening
                close(output)
            }

            /// (path, Idempotency-Key, body) of every request received.
            func requests() async throws -> [(path: String, key: String?, body: [String: Any])] {
                let response = try await LiveHTTPTransport().send(
                    HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/_requests"),
                    tls: TLSSettings(), timeout: .seconds(5))
                let items = (try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]]) ?? []
                return items.map { item in
                    let headers = (item["headers"] as? [[String]] ?? []).map { ($0[0], $0[1]) }
                    let body = Data(base64Encoded: item["body"] as? String ?? "") ?? Data()
                    return (
                        item["path"] as? String ?? "", headers.first { $0.0.lowercased() == "idempotency-key" }?.1,
                        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
                    )
                }
            }

            deinit {
                close(input)
                _ = process.wait()
            }
        }

        static func outboxFiles(_ directory: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/outbox")) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        }

        @Test("receiver down, daemon killed with SIGKILL, restarted with the receiver up: delivered exactly once by idempotency key")
        func killNine() async throws {
            let directory = try TemporaryDirectory()
            let state = directory.path("state")
            let port = try freeLoopbackPort()
            func configuration(threshold: Int) -> String {
                """
                interval: 200ms
                delivery: {retry: {initial: 100ms, maximum: 300ms}}
                default_rules: false
                rules:
                  - {name: memory_any, metric: memory_used_percent, above: \(threshold), severity: critical}
                channels:
                  - {type: webhook, name: hook, url: "http://127.0.0.1:\(port)/hook/kill9", timeout: 500ms}
                """
            }
            // 1. The rule fires at once; nothing listens on the port: the notification waits on disk.
            let firing = try directory.write("firing.yaml", configuration(threshold: 0))
            let environment = ["HEADROOM_STATE_DIR": state]
            let first = try HeadroomProcess(["run", "--config", firing], environment: environment)
            _ = try await poll("the notification on disk", timeout: .seconds(20), every: .milliseconds(20), context: { first.stderr }) {
                !Self.outboxFiles(state).isEmpty && first.stderr.contains("will retry") ? true : nil
            }
            let pending = Self.outboxFiles(state)
            try #require(pending.count == 1, "stderr:\n\(first.stderr)")
            let entry = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: state + "/outbox/" + pending[0]))) as? [String: Any])
            let key = try #require(entry["idempotencyKey"] as? String)
            first.signal(SIGKILL)
            #expect(try await first.wait() == SIGKILL)

            // 2. The receiver comes up; the daemon restarts with a rule that cannot fire: the
            //    firing comes from the outbox, and the restored alert, no longer breached,
            //    resolves (a delivered firing is always followed by a resolved).
            let receiver = try Receiver(port: port)
            let quiet = try directory.write("quiet.yaml", configuration(threshold: 1000))
            let second = try HeadroomProcess(["run", "--config", quiet], environment: environment)
            _ = try await poll("both deliveries", timeout: .seconds(20), every: .milliseconds(20), context: { second.stderr }) {
                try await receiver.requests().count >= 2 && Self.outboxFiles(state).isEmpty ? true : nil
            }
            second.signal(SIGTERM)
            #expect(try await second.wait() == 0)

            let requests = try await receiver.requests()
            #expect(requests.count == 2, "stderr:\n\(second.stderr)")
            #expect(requests.first?.key == key)
            #expect(requests.map(\.path) == ["/hook/kill9", "/hook/kill9"])
            #expect(requests.map { $0.body["rule"] as? String } == ["memory_any", "memory_any"])
            #expect(requests.map { $0.body["status"] as? String } == ["firing", "resolved"])
            #expect(Self.outboxFiles(state).isEmpty)
            #expect(second.stderr.contains("outbox recovered"))
            #expect(second.stderr.contains("alert state restored"))
        }
    }
}
