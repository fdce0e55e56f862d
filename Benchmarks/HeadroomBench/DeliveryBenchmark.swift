import Foundation
import HeadroomCore
import HeadroomNotify
import Logging

/// An alert storm: 10,000 firing notifications for distinct alerts submitted at once to a
/// generic webhook on 127.0.0.1 (the Python stand-in of the tests), with the durable outbox
/// and without it; plus the outbox's own cost (durable write + removal) per notification.
enum DeliveryBenchmark {
    static let count = Int(ProcessInfo.processInfo.environment["HEADROOM_BENCH_STORM"] ?? "") ?? 10_000

    static func run() async {

        print("\n== delivery: alert storm of \(count) notifications")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-bench-\(UUID().uuidString)").path
        let store = OutboxStore(stateDirectory: directory)
        do { try store.prepare() } catch {
            print("cannot prepare \(directory): \(error)")
            return
        }
        let notifications = (0..<count).map { index -> AlertNotification in
            let alert = Alert(
                rule: "gpu_memory_high", severity: .critical, family: "gpu", metric: "gpu_memory_used_percent",
                labels: ["gpu": String(index % 8), "pod": "llm-\(index)"], condition: .above(90), value: 97, peak: 98,
                since: Date(timeIntervalSince1970: 1_800_000_000), firedAt: Date(timeIntervalSince1970: 1_800_000_010))
            return AlertNotification(kind: .firing, alert: alert, time: Date(timeIntervalSince1970: 1_800_000_010), host: "gpu-01")
        }

        // 1. The outbox alone: write (temp + fsync + rename + dir fsync) and remove.
        let entries = notifications.prefix(1000).enumerated().map {
            OutboxEntry(channel: "hook", notification: $1, createdAt: Date(), deadline: Date().addingTimeInterval(3600), sequence: $0)
        }
        var write = Timings()
        var remove = Timings()
        for entry in entries {
            write.add(measure { try? store.write(entry) })
            remove.add(measure { try? store.remove(entry.id) })
        }
        print("outbox write (fsync, rename, dir fsync): median \(micro(write.median)), p99 \(micro(write.percentile(0.99)))")
        print("outbox remove (unlink, dir fsync):      median \(micro(remove.median)), p99 \(micro(remove.percentile(0.99)))")

        // 2. End to end through a real local receiver.
        guard let receiver = try? StandIn.start() else {
            print("python3 receiver not available: skipped the end-to-end storm")
            return
        }
        defer { receiver.stop() }
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        for durable in [false, true] {
            let configuration = WebhookConfiguration(endpoint: HTTPEndpoint(url: Secret("http://127.0.0.1:\(receiver.port)/hook/bench"), timeout: .seconds(10)))
            let channel = ChannelConfiguration(name: "hook", settings: .webhook(configuration))
            let pipeline = DeliveryPipeline(
                routes: [
                    .init(configuration: channel, notifier: WebhookNotifier(channel: "hook", configuration: configuration, transport: LiveHTTPTransport()))
                ],
                store: durable ? store : nil, logger: logger)
            let before = peakResidentKiB()
            let start = ContinuousClock.now
            await pipeline.submit(notifications, at: Date())
            let elapsed = (ContinuousClock.now - start).headroomSeconds
            let delivered = await pipeline.statistics["hook"]?.successes ?? 0
            print(
                "\(durable ? "with the durable outbox" : "memory only          "): \(delivered)/\(count) delivered in \(String(format: "%.2f", elapsed)) s "
                    + "= \(Int(Double(delivered) / elapsed)) notifications/s; peak RSS \(peakResidentKiB() / 1024) MiB (was \(before / 1024) MiB)")
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// VmHWM of this process.
    static func peakResidentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// tests' receiver.py, started from the source tree.
    struct StandIn {
        let process: Subprocess
        /// The write end of the receiver's stdin: closing it stops the receiver.
        let input: Int32
        let port: Int

        static func start() throws -> StandIn {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Tests/HeadroomNotifyTests/Support/receiver.py").path
            let process = try Subprocess(["/usr/bin/env", "python3", script, "{}"], standardInput: .pipe, standardOutput: .pipe)
            guard let input = process.standardInput, let output = process.standardOutput else { throw CocoaError(.fileReadUnknown) }
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = read(output, &buffer, buffer.count)
            close(output)
            let line = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
            guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
                close(input)
                throw CocoaError(.fileReadUnknown)
            }
            return StandIn(process: process, input: input, port: port)
        }

        func stop() {
            close(input)
            _ = process.wait()
        }
    }
}
