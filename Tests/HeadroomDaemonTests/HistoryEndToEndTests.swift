import Foundation
import HeadroomCore
import HeadroomHistory
import HeadroomTesting
import Testing

extension ProcessTests {
    /// The real binary recording a real run: the fake GPU's memory ramps while a supervised
    /// child runs out of memory and crashes; the history API answers while it runs, and
    /// `headroom history` reads the file after it is gone.
    @Suite("History end to end")
    struct HistoryEndToEndTests {
        /// 50 % → 98 % of 24 GiB in 100 ms steps from step 5 (about 0.5 s after start).
        static func scenario() -> String {
            let total = 25_769_803_776.0
            var lines = ["gpus 1", "gpu 0 name NVIDIA L4", "gpu 0 total \(Int(total))", "gpu 0 used \(Int(total * 0.5))", "auto_step_ms 100"]
            for step in 0...16 { lines.append("at \(5 + step) gpu 0 used \(Int(total * (0.5 + 0.03 * Double(step))))") }
            return lines.joined(separator: "\n") + "\n"
        }

        @Test("a crash after a ramp: warnings, then the crash and its CUDA out-of-memory line, in the API and in headroom history")
        func recordsTheRun() async throws {
            let state = try TemporaryDirectory()
            let fake = try FakeNVML(scenario: Self.scenario())
            let environment = [
                "LD_LIBRARY_PATH": fake.directory, "HEADROOM_STATE_DIR": state.url.path, "HEADROOM_INTERVAL": "100ms",
                "HEADROOM_HISTORY_FLUSH_INTERVAL": "1s", "HEADROOM_RULES_GPU_MEMORY_HIGH_FOR": "300ms",
                "HEADROOM_COLLECTORS_DISABLED": "cpu,memory,load,pressure,amdgpu",
            ]
            let script = "echo loading model >&2; sleep 4; echo 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB' >&2; exit 1"
            let started = Date()
            let daemon = try HeadroomProcess(["run", "--", "sh", "-c", script], environment: environment)
            let port = try await daemon.servingPort()
            let base = "http://127.0.0.1:\(port)"

            // While it runs: GPU memory over the last minute as Grafana would ask for it.
            let start = Int(started.timeIntervalSince1970) - 5
            let matrix = try await poll("a ramp in the history API") { () -> [[Any]]? in
                let end = Date().timeIntervalSince1970
                guard
                    let answer = await httpGet(
                        "\(base)/api/v1/query_range?query=headroom_gpu_memory_used_percent%7Bgpu%3D%220%22%7D&start=\(start)&end=\(end)&step=0.1"),
                    answer.status == 200,
                    let document = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
                    let data = document["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
                    let values = result.first?["values"] as? [[Any]],
                    values.contains(where: { Double($0[1] as? String ?? "") ?? 0 >= 95 })
                else { return nil }
                return values
            }
            let percents = try #require(matrix).compactMap { Double($0[1] as? String ?? "") }
            #expect(percents.first.map { $0 < 60 } == true, "\(percents)")
            #expect(percents.last.map { $0 >= 95 } == true)

            let status = try await daemon.wait(timeout: .seconds(30))
            #expect(status == 1, "\(daemon.stderr)")

            // After it is gone: the file holds the whole story.
            let (code, stdout, stderr) = try await HeadroomProcess.run(
                ["history", "--from", "5m", "--format", "json"], environment: ["HEADROOM_STATE_DIR": state.url.path])
            #expect(code == 0, "\(stderr)")
            let events = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [[String: Any]])
            func first(_ category: String, _ kind: String, rule: String? = nil) -> [String: Any]? {
                events.first { $0["category"] as? String == category && $0["kind"] as? String == kind && (rule == nil || $0["rule"] as? String == rule) }
            }
            let warned = try #require(first("alert", "firing", rule: "gpu_memory_high"), "\(stdout)")
            let critical = try #require(first("alert", "firing", rule: "gpu_memory_critical"), "\(stdout)")
            let delivered = try #require(first("notification", "firing", rule: "gpu_memory_critical"))
            #expect(delivered["channel"] as? String == "console" && delivered["outcome"] as? String == "delivered")
            let crash = try #require(first("incident", "child_crashed"), "\(stdout)")
            let oom = try #require(first("incident", "cuda_oom"), "\(events.filter { $0["category"] as? String != "notification" })")
            #expect((crash["detail"] as? String)?.contains("exited with code 1") == true)
            #expect(oom["detail"] as? String == "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB")
            #expect((oom["labels"] as? [String: String])?["command"]?.hasPrefix("sh -c") == true)
            // The warnings came before the crash.
            let times = [warned, critical, crash].compactMap { ($0["time"] as? String).flatMap(RFC3339Probe.parse) }
            #expect(times.count == 3 && times[0] <= times[1] && times[1] < times[2], "\(times)")

            let text = try await HeadroomProcess.run(
                ["history", "--from", "5m", "--category", "incident"], environment: ["HEADROOM_STATE_DIR": state.url.path])
            #expect(text.1.split(separator: "\n").count == 2, "\(text.1)")
            #expect(text.1.contains("incident      cuda_oom"))

            // The backtest replays the recorded run through the same rules, and through stricter ones.
            let stricter = try state.write(
                "stricter.yaml",
                """
                rules:
                  - {name: gpu_memory_high, metric: gpu_memory_used_percent, at_least: 60, for: 300ms, clear: 55, severity: warning, family: gpu_memory}
                """)
            let replay = try await HeadroomProcess.run(
                ["backtest", "--from", "5m", "--against", stricter, "--format", "json"],
                environment: ["HEADROOM_STATE_DIR": state.url.path, "HEADROOM_RULES_GPU_MEMORY_HIGH_FOR": "300ms"])
            #expect(replay.0 == 0, "every incident was warned of: \(replay.1) \(replay.2)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(replay.1.utf8)) as? [String: Any], "\(replay.1)")
            func lead(_ report: [String: Any], _ kind: String, _ rule: String) -> Double? {
                let incidents = report["incidents"] as? [[String: Any]] ?? []
                let warnings = incidents.first { $0["kind"] as? String == kind }?["warned_by"] as? [[String: Any]] ?? []
                return warnings.first { $0["rule"] as? String == rule }?["lead_seconds"] as? Double
            }
            let incidentKinds = (report["incidents"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
            #expect(incidentKinds == ["child_crashed", "cuda_oom"])
            let high = try #require(lead(report, "cuda_oom", "gpu_memory_high"), "\(replay.1)")
            let criticalLead = try #require(lead(report, "cuda_oom", "gpu_memory_critical"))
            #expect(high > criticalLead && criticalLead > 0)
            // The replay matches what the daemon lived: the same firing, to the round.
            let recordedLead = try #require(times.last).timeIntervalSince(times[0])
            #expect(abs(high - recordedLead) < 0.15, "replayed \(high) s, recorded \(recordedLead) s")
            let rules = try #require(report["rules"] as? [[String: Any]])
            let highRule = try #require(rules.first { $0["rule"] as? String == "gpu_memory_high" })
            #expect((highRule["notifications"] as? [String: Any])?["firing"] as? Int == 1)
            let against = try #require(report["against"] as? [String: Any])
            let stricterLead = try #require(lead(against, "cuda_oom", "gpu_memory_high"))
            #expect(stricterLead > high + 0.3, "a threshold of 60 % warns earlier: \(stricterLead) s against \(high) s")
        }

        @Test("kill -9 while recording: the file opens, at most the last flush interval is lost, and the next run goes on")
        func killNine() async throws {
            let state = try TemporaryDirectory()
            let environment = [
                "HEADROOM_STATE_DIR": state.url.path, "HEADROOM_INTERVAL": "100ms", "HEADROOM_HISTORY_FLUSH_INTERVAL": "1s",
                "HEADROOM_COLLECTORS_DISABLED": "cpu,load,pressure,cgroup,nvidia,amdgpu",
            ]
            let daemon = try HeadroomProcess(["run"], environment: environment)
            let port = try await daemon.servingPort()
            // Wait for a few commits, then kill it in the middle of recording.
            _ = try await poll("three commits") { () async -> Bool? in
                guard let (_, body) = await httpGet("http://127.0.0.1:\(port)/metrics") else { return nil }
                let written =
                    body.split(separator: "\n").first { $0.hasPrefix("headroom_history_samples_written_total ") }
                    .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
                return written > 25 ? true : nil
            }
            daemon.signal(SIGKILL)
            let killedAt = Date()
            _ = try await daemon.wait()

            let path = state.path("history.db")
            let key = SeriesKey("memory_total_bytes")
            let kept = try HistoryStore(path: path).samples(of: key, from: 0, to: .max)
            let last = try #require(kept.last, "nothing read back")
            #expect(kept.count >= 10)
            let lost = killedAt.timeIntervalSince1970 - Double(last.time) / 1000
            #expect(lost < 1.0 + 0.5, "at most the flush interval (1 s) and a round lost; lost \(lost) s")
            let times = kept.map(\.time)
            #expect(times == times.sorted() && Set(times).count == times.count, "in order, no duplicates")

            // The next run opens the same file and goes on where it stopped.
            let again = try HeadroomProcess(["run"], environment: environment)
            _ = try await again.servingPort()
            try await again.waitFor("a commit after the restart", timeout: .seconds(20)) { _, _ in
                ((try? HistoryStore(path: path).samples(of: key, from: last.time + 1, to: .max).count) ?? 0) > 0
            }
            again.signal(SIGTERM)
            #expect(try await again.wait() == 0)
            #expect(try HistoryStore(path: path).samples(of: key, from: 0, to: .max).count > kept.count)
        }

        @Test("a full disk: history_write_failed fires once with the path and the reason, the daemon keeps sampling and serving")
        func fullDisk() async throws {
            let unshare = try TestPeer.path("unshare", package: "util-linux")
            let state = try TemporaryDirectory()
            let small = state.path("small")
            try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
            let path = small + "/history.db"
            // A 96 KiB file system of the daemon's own (a mount namespace): the file fills it in seconds.
            let script = "mount -t tmpfs -o size=96k tmpfs \(small) && exec \(HeadroomProcess.executable.path) run"
            let daemon = try HeadroomProcess.wrapped(
                unshare, ["--user", "--map-root-user", "--mount", "sh", "-c", script],
                environment: [
                    "HEADROOM_STATE_DIR": state.url.path, "HEADROOM_INTERVAL": "100ms", "HEADROOM_HISTORY_FLUSH_INTERVAL": "1s",
                    "HEADROOM_HISTORY_PATH": path, "HEADROOM_COLLECTORS_DISABLED": "nvidia,amdgpu",
                ])
            defer { daemon.signal(SIGKILL) }
            let port = try await daemon.servingPort()
            try await daemon.waitFor("history_write_failed", timeout: .seconds(60)) { out, _ in out.contains("history_write_failed") }
            let line = try #require(daemon.stdout.split(separator: "\n").first { $0.contains("history_write_failed") })
            #expect(line.contains(path), "\(line)")
            #expect(line.contains("full"), "the reason: \(line)")
            #expect(daemon.stderr.contains("cannot write the history; sampling and alerting go on without it"))
            // Still sampling and serving, and the failure is said once.
            func value(_ page: String, _ name: String) -> Double {
                page.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? -1
            }
            let before = await httpGet("http://127.0.0.1:\(port)/metrics")?.body ?? ""
            // The next failed flush drops more rounds, taken meanwhile: sampling went on.
            let after = try #require(
                try await poll("a later failed flush") { () async -> String? in
                    guard let page = await httpGet("http://127.0.0.1:\(port)/metrics")?.body,
                        value(page, "headroom_history_samples_dropped_total") > value(before, "headroom_history_samples_dropped_total")
                    else { return nil }
                    return page
                })
            #expect(value(after, "headroom_history_write_failed") == 1)
            #expect(value(after, "headroom_history_samples_dropped_total") > value(before, "headroom_history_samples_dropped_total"))
            #expect(value(after, "headroom_last_sample_timestamp_seconds") > value(before, "headroom_last_sample_timestamp_seconds"))
            #expect(await httpGet("http://127.0.0.1:\(port)/healthz")?.status == 200)
            #expect(daemon.stdout.components(separatedBy: "history_write_failed").count - 1 == 1, "\(daemon.stdout)")
        }
    }
}

/// Reads the RFC 3339 times the JSON carries (the test does not trust the code under test to
/// parse its own output).
enum RFC3339Probe {
    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
