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
            // The state file is written after the outbox entry, off the round thread: wait for both.
            _ = try await poll("the notification and the alert state on disk", timeout: .seconds(20), every: .milliseconds(20), context: { first.stderr }) {
                !Self.outboxFiles(state).isEmpty && first.stderr.contains("will retry")
                    && FileManager.default.fileExists(atPath: state + "/alert-state.json") ? true : nil
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

        @Test("an alert state file whose write hangs holds up neither the rounds nor later deliveries; the state is saved once writes go through")
        func stalledStateFile() async throws {
            let directory = try TemporaryDirectory()
            let state = directory.path("state")
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            // The state file's temporary file is a FIFO: whoever writes it blocks in open(2) until
            // a reader comes, as a write does on a stalled disk.
            let temporary = state + "/.alert-state.json.tmp"
            try #require(mkfifo(temporary, 0o600) == 0)
            let port = try freeLoopbackPort()
            let receiver = try Receiver(port: port)
            let config = try directory.write(
                "stall.yaml",
                """
                interval: 100ms
                log: {level: debug}
                default_rules: false
                rules:
                  - {name: memory_any, metric: memory_used_percent, above: 0, severity: critical}
                  - {name: memory_held, metric: memory_used_bytes, above: 0, for: 1s, severity: warning}
                channels:
                  - {type: webhook, name: hook, url: "http://127.0.0.1:\(port)/hook", timeout: 2s}
                """)
            let daemon = try HeadroomProcess(["run", "--config", config], environment: ["HEADROOM_STATE_DIR": state])
            defer { daemon.signal(SIGKILL) }
            func rounds() -> Int { daemon.stderr.components(separatedBy: "round complete").count - 1 }

            // 1. One alert fires at once and its save hangs. Its firing is delivered, rounds go
            //    on, and so does delivery: the other alert's firing, a second later, arrives too.
            _ = try await poll("both firings at the receiver", timeout: .seconds(20), every: .milliseconds(20), context: { daemon.stderr }) {
                try await receiver.requests().count >= 2 ? true : nil
            }
            let delivered = rounds()
            try await daemon.waitFor("ten rounds after the deliveries") { _, _ in rounds() >= delivered + 10 }
            func rules() async throws -> [String] { try await receiver.requests().compactMap { $0.body["rule"] as? String } }
            #expect(try await rules().prefix(2) == ["memory_any", "memory_held"])
            #expect(!FileManager.default.fileExists(atPath: state + "/alert-state.json"))

            // 2. A reader comes: the hung write goes on and fails (a FIFO cannot be fsync'd), is
            //    said once, naming the file, and the daemon keeps running on the state in memory.
            let reader = open(temporary, O_RDONLY | O_NONBLOCK)
            try #require(reader >= 0)
            _ = try await poll("the hung write released", timeout: .seconds(20), every: .milliseconds(20), context: { daemon.stderr }) {
                var scratch = [UInt8](repeating: 0, count: 4096)
                while read(reader, &scratch, scratch.count) > 0 {}
                return daemon.stderr.contains("cannot save the alert state") ? true : nil
            }
            close(reader)
            #expect(daemon.stderr.contains(temporary), "\(daemon.stderr)")

            // 3. Shutdown saves again, to a real file this time, and says so.
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)
            #expect(daemon.stderr.contains("alert state saved again to \(state)/alert-state.json"), "\(daemon.stderr)")
            let saved = try String(contentsOfFile: state + "/alert-state.json", encoding: .utf8)
            #expect(saved.contains("memory_any") && saved.contains("memory_held") && saved.contains("firing"), "\(saved)")
            #expect(try await rules().filter { $0 != "alert_state_save_failed" } == ["memory_any", "memory_held"])
        }

        @Test("SIGTERM while the alert state's write hangs: the daemon still exits, after at most 5 s more, saying the state is not saved")
        func shutdownOnStalledStateFile() async throws {
            let directory = try TemporaryDirectory()
            let state = directory.path("state")
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            try #require(mkfifo(state + "/.alert-state.json.tmp", 0o600) == 0)
            let receiver = try Receiver(port: try freeLoopbackPort())
            let config = try directory.write(
                "stall.yaml",
                """
                interval: 100ms
                default_rules: false
                rules:
                  - {name: memory_any, metric: memory_used_percent, above: 0, severity: critical}
                channels:
                  - {type: webhook, name: hook, url: "http://127.0.0.1:\(receiver.port)/hook", timeout: 2s}
                """)
            let daemon = try HeadroomProcess(["run", "--config", config], environment: ["HEADROOM_STATE_DIR": state])
            defer { daemon.signal(SIGKILL) }
            // The firing's save hangs in open(2); shutdown's save waits behind it.
            _ = try await poll("the firing at the receiver", timeout: .seconds(20), every: .milliseconds(20), context: { daemon.stderr }) {
                try await receiver.requests().count >= 1 ? true : nil
            }
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)
            #expect(daemon.stderr.contains("the alert state's disk did not answer within 5.0 seconds"), "\(daemon.stderr)")
        }

        /// A daemon whose GPU memory flips between 50 and 96 % every 300 ms (a firing or a
        /// resolved each time) with a webhook to `receiver`, and whose outbox's record of
        /// delivered firings is written through a FIFO: the first delivery's write blocks in
        /// open(2) until a reader comes, as on a stalled disk. Returns the daemon, the FIFO, and
        /// the fake driver (to keep while the daemon runs).
        static func stalledOutboxDaemon(
            _ directory: borrowing TemporaryDirectory, receiver: Receiver
        ) throws -> (HeadroomProcess, String, FakeNVML) {
            let state = directory.path("state")
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            let temporary = state + "/.delivered-firings.json.tmp"
            try #require(mkfifo(temporary, 0o600) == 0)
            var lines = ["gpus 1", "gpu 0 total 25769803776", "gpu 0 used 12884901888", "auto_step_ms 300"]
            for step in 1...400 { lines.append("at \(step) gpu 0 used \(step % 2 == 1 ? 24_739_011_379 : 12_884_901_888)") }
            let fake = try FakeNVML(scenario: lines.joined(separator: "\n") + "\n")
            let config = try directory.write(
                "stall.yaml",
                """
                interval: 100ms
                log: {level: debug}
                collectors:
                  disabled: [cpu, memory, load, cgroup, pressure, amdgpu]
                  nvml_library: \(fake.libraryPath)
                history: {enabled: false}
                alerting: {flapping: {max_changes: 0}}
                default_rules: false
                rules:
                  - {name: gpu_full, metric: gpu_memory_used_percent, at_least: 95, severity: critical}
                channels:
                  - {type: webhook, name: hook, url: "http://127.0.0.1:\(receiver.port)/hook", timeout: 2s}
                """)
            return (try HeadroomProcess(["run", "--config", config], environment: ["HEADROOM_STATE_DIR": state]), temporary, fake)
        }

        @Test(
            "an outbox whose disk stops answering holds up neither delivery nor the rounds: notifications go out from memory, and the outbox catches up once writes go through"
        )
        func stalledOutbox() async throws {
            let directory = try TemporaryDirectory()
            let state = directory.path("state")
            let receiver = try Receiver(port: try freeLoopbackPort())
            let (daemon, temporary, fake) = try Self.stalledOutboxDaemon(directory, receiver: receiver)
            defer {
                daemon.signal(SIGKILL)
                withExtendedLifetime(fake) {}
            }
            func rounds() -> Int { daemon.stderr.components(separatedBy: "round complete").count - 1 }

            // 1. The first delivery's record hangs. The pipeline waits for it its patience
            //    (5 s), says so once, then goes on delivering from memory; rounds go on.
            _ = try await poll("twenty notifications at the receiver", timeout: .seconds(40), every: .milliseconds(50), context: { daemon.stderr }) {
                try await receiver.requests().count >= 20 ? true : nil
            }
            #expect(daemon.stderr.components(separatedBy: "the outbox's disk has not answered").count == 2, "said once")
            let delivered = rounds()
            try await daemon.waitFor("ten more rounds") { _, _ in rounds() >= delivered + 10 }
            #expect(!FileManager.default.fileExists(atPath: state + "/delivered-firings.json"))

            // 2. A reader comes: the hung write goes on and fails (a FIFO cannot be fsync'd),
            //    the writes queued behind it go through, and that is said once.
            let reader = open(temporary, O_RDONLY | O_NONBLOCK)
            try #require(reader >= 0)
            _ = try await poll("the outbox written again", timeout: .seconds(20), every: .milliseconds(20), context: { daemon.stderr }) {
                var scratch = [UInt8](repeating: 0, count: 4096)
                while read(reader, &scratch, scratch.count) > 0 {}
                return daemon.stderr.contains("the outbox's disk answers again") ? true : nil
            }
            close(reader)
            #expect(daemon.stderr.contains("cannot save which firings were delivered"), "\(daemon.stderr)")

            // 3. Shutdown: every notification was delivered, so no entry is left in the outbox
            //    (the ones delivered while the disk hung were never written), and the record of
            //    delivered firings is a file again.
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)
            #expect(!daemon.stderr.contains("did not answer within"), "\(daemon.stderr)")
            let left = try FileManager.default.contentsOfDirectory(atPath: state + "/outbox")
            #expect(left.isEmpty, "\(left)")
            #expect(FileManager.default.fileExists(atPath: state + "/delivered-firings.json"))
            let kinds = try await receiver.requests().compactMap { $0.body["status"] as? String }
            #expect(kinds.count >= 20 && kinds.allSatisfy { $0 == "firing" || $0 == "resolved" }, "\(kinds)")
        }

        @Test("SIGTERM while the outbox's disk does not answer: the daemon still exits, after at most 5 s more, saying how many files are not written")
        func shutdownOnStalledOutbox() async throws {
            let directory = try TemporaryDirectory()
            let receiver = try Receiver(port: try freeLoopbackPort())
            let (daemon, _, fake) = try Self.stalledOutboxDaemon(directory, receiver: receiver)
            defer {
                daemon.signal(SIGKILL)
                withExtendedLifetime(fake) {}
            }
            try await daemon.waitFor("the stall said") { _, stderr in stderr.contains("the outbox's disk has not answered") }
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)
            #expect(daemon.stderr.contains("the outbox's disk did not answer within 5.0 seconds:"), "\(daemon.stderr)")
            #expect(daemon.stderr.contains("sampling stopped"))
        }
    }
}
