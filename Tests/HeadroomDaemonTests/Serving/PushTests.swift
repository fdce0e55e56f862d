import Foundation
import HeadroomTesting
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

extension ProcessTests {
    /// A real VictoriaMetrics (Debian's `victoria-metrics`, installed by .ci/run) receives
    /// the pushed lines; it is stopped for an outage (HEADROOM_TEST_OUTAGE_SECONDS, default 1.5; the issue's 30 s works too)
    /// and started again on the same storage: every line Headroom sent arrives once.
    @Suite("Push to VictoriaMetrics")
    struct PushTests {
        static var outage: Duration {
            .milliseconds(Int64((Double(ProcessInfo.processInfo.environment["HEADROOM_TEST_OUTAGE_SECONDS"] ?? "") ?? 1.5) * 1000))
        }

        static func startVictoriaMetrics(_ binary: String, port: Int, storage: String, directory: URL) async throws -> ExternalProcess {
            let server = try ExternalProcess(binary, ["-storageDataPath=\(storage)", "-httpListenAddr=127.0.0.1:\(port)", "-loggerLevel=ERROR"],
                                             directory: directory)
            _ = try await poll("VictoriaMetrics /health") { await httpGet("http://127.0.0.1:\(port)/health")?.status == 200 ? true : nil }
            return server
        }

        /// Points stored for every headroom_* series, and the distinct timestamps.
        static func stored(port: Int) async -> (points: Int, timestamps: Set<Int>) {
            // Make what was ingested searchable now rather than within its flush period.
            _ = await httpGet("http://127.0.0.1:\(port)/internal/force_flush")
            let match = #"{__name__=~"headroom_.*"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            guard let (_, body) = await httpGet("http://127.0.0.1:\(port)/api/v1/export?match%5B%5D=\(match)") else { return (0, []) }
            var points = 0
            var timestamps = Set<Int>()
            for line in body.split(separator: "\n") {
                guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let stamps = json["timestamps"] as? [Int] else { continue }
                points += stamps.count
                timestamps.formUnion(stamps)
            }
            return (points, timestamps)
        }

        @Test("batched gzip pushes survive an outage within the buffer bound: nothing sent is lost, nothing dropped")
        func outageLosesNothing() async throws {
            let binary = try TestPeer.path("victoria-metrics", package: "victoria-metrics")
            let directory = try TemporaryDirectory()
            let port = try freeLoopbackPort()
            let storage = directory.path("vmdata")
            var server = try await Self.startVictoriaMetrics(binary, port: port, storage: storage, directory: directory.url)
            let config = try directory.write("headroom.yaml", """
                interval: 200ms
                collectors:
                  disabled: [cpu, load, pressure, cgroup, nvidia, amdgpu]
                push:
                  url: http://127.0.0.1:\(port)
                  protocol: victoriametrics
                  interval: 100ms
                  batch_size: 50
                  buffer_size: 100000
                channels: []
                """)
            let daemon = try HeadroomProcess(["run", "--config", config])
            try await daemon.waitFor("the serving line") { _, err in err.contains("serving http://127.0.0.1:") }
            _ = try await poll("first points in VictoriaMetrics") { await Self.stored(port: port).points > 0 ? true : nil }

            try await server.stop()
            let down = Date()
            try await Task.sleep(for: Self.outage)
            try await daemon.waitFor("a failed push") { _, err in err.contains("push failed") }
            server = try await Self.startVictoriaMetrics(binary, port: port, storage: storage, directory: directory.url)
            let up = Date()
            try await daemon.waitFor("the push to recover", timeout: .seconds(40)) { _, err in err.contains("push target reachable again") }

            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)
            let summary = try #require(daemon.stderr.split(separator: "\n").first { $0.contains("push stopped") }.map(String.init))
            func field(_ name: String) -> Int? {
                summary.split(separator: " ").first { $0.hasPrefix(name + "=") }.flatMap { Int($0.dropFirst(name.count + 1)) }
            }
            let sent = try #require(field("sent"))
            #expect(field("dropped") == 0 && field("rejected") == 0 && field("buffered") == 0, "\(summary)")

            // VictoriaMetrics makes fresh points searchable within about a second.
            let final = try await poll("every sent line in VictoriaMetrics") { () async -> (points: Int, timestamps: Set<Int>)? in
                let stored = await Self.stored(port: port)
                return stored.points == sent ? stored : nil
            }
            let lastCount = await Self.stored(port: port).points
            try await server.stop()
            let result = try #require(final, "VictoriaMetrics has \(lastCount) of \(sent) lines")
            #expect(result.points == sent)
            // Rounds taken while it was down arrived later, from the buffer.
            let outageMilliseconds = Int(down.timeIntervalSince1970 * 1000)...Int(up.timeIntervalSince1970 * 1000)
            #expect(result.timestamps.filter { outageMilliseconds.contains($0) }.count >= 3, "points from the outage window")
        }
    }
}
