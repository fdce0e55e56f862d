import Foundation
import HeadroomCore
import Testing

@Suite("History events and incidents")
struct HistoryEventTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("incidents: a counter that rises, a GPU that goes from up to lost; baselines, resets and absences are not incidents")
    func incidents() {
        var detector = IncidentDetector()
        let gpu: Labels = ["gpu": "0"]
        let child: Labels = ["command": "python run.py"]
        func round(oom: Double, crashes: Double, up: Double, hardware: Double, application: Double, cuda: Double) -> [Sample] {
            [
                Sample("container_oom_kills_total", .none, oom, kind: .counter),
                Sample("child_crashes_total", child, crashes, kind: .counter, detail: crashes > 0 ? "exited with code 1" : nil),
                Sample("gpu_up", gpu, up, detail: up < 1 ? "GPU_IS_LOST" : nil),
                Sample("gpu_xid_errors_total", gpu.adding("class", "hardware"), hardware, kind: .counter, detail: "Xid 79"),
                Sample("gpu_xid_errors_total", gpu.adding("class", "application"), application, kind: .counter),
                Sample("child_cuda_oom_total", child, cuda, kind: .counter, detail: cuda > 0 ? "CUDA out of memory" : nil),
                Sample("cpu_used_percent", .none, 50),
            ]
        }
        // The first round is a baseline, even with non-zero counters or a lost GPU.
        #expect(detector.observe(round(oom: 3, crashes: 0, up: 0, hardware: 1, application: 0, cuda: 0), at: Self.start).isEmpty)
        #expect(detector.observe(round(oom: 3, crashes: 0, up: 1, hardware: 1, application: 5, cuda: 0), at: Self.start).isEmpty)
        let time = Self.start.addingTimeInterval(5)
        let found = detector.observe(round(oom: 5, crashes: 1, up: 0, hardware: 2, application: 6, cuda: 1), at: time)
        #expect(found.map(\.kind) == ["container_oom_kill", "child_crashed", "gpu_lost", "gpu_xid", "cuda_oom"])
        #expect(found.allSatisfy { $0.category == .incident && $0.time == time && $0.rule == nil })
        #expect(found.map(\.detail) == ["container_oom_kills_total rose by 2", "exited with code 1", "GPU_IS_LOST", "Xid 79", "CUDA out of memory"])
        #expect(found[1].labels == child)
        // Unchanged, a counter reset (a restarted child), staying lost: nothing.
        #expect(detector.observe(round(oom: 5, crashes: 0, up: 0, hardware: 2, application: 6, cuda: 0), at: time).isEmpty)
        // Rounds the series miss (a collector that timed out) keep the baseline: what rose
        // meanwhile is found when they come back.
        #expect(detector.observe([], at: time.addingTimeInterval(5)).isEmpty)
        #expect(detector.observe([Sample("cpu_used_percent", .none, 50)], at: time.addingTimeInterval(10)).isEmpty)
        let back = detector.observe(round(oom: 6, crashes: 1, up: 0, hardware: 2, application: 6, cuda: 0), at: time.addingTimeInterval(15))
        #expect(back.map(\.kind) == ["container_oom_kill", "child_crashed"])
        // Gone longer than forgetAfter (300 s by default): forgotten, the next value is a new baseline.
        #expect(detector.observe([], at: time.addingTimeInterval(400)).isEmpty)
        #expect(detector.observe(round(oom: 9, crashes: 4, up: 1, hardware: 9, application: 9, cuda: 4), at: time.addingTimeInterval(405)).isEmpty)
    }

    @Test("stderr lines that say CUDA ran out of memory are counted, kept or not, whatever the chunking")
    func cudaLines() {
        var tail = LineTail(capacity: 2, watching: ["CUDA out of memory", "CUDA error: out of memory"])
        let text =
            "loading\nRuntimeError: CUDA error: out of memory\nCUDA kernel errors might be asynchronously reported\n"
            + "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\nbye\n"
        for chunk in Array(text.utf8).chunks(ofCount: 7) { tail.append(chunk) }
        #expect(tail.watchedLines == 2)
        #expect(tail.lastWatchedLine == "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB")
        #expect(tail.lines.count == 2)
        var unwatched = LineTail(capacity: 2)
        unwatched.append(Array(text.utf8))
        #expect(unwatched.watchedLines == 0)
    }

    @Test("one JSON object per event, keys in order, absent values null, times in UTC")
    func json() {
        let event = HistoryEvent(
            time: Self.start, category: .notification, kind: "firing", rule: "gpu_memory_high", severity: .warning,
            labels: ["gpu": "0"], channel: "slack", outcome: .retrying, detail: "HTTP 503 \"busy\"")
        #expect(
            HistoryEventJSON.encode(event)
                == #"{"time":"2027-01-15T08:00:00.000Z","category":"notification","kind":"firing","rule":"gpu_memory_high","severity":"warning","labels":{"gpu":"0"},"channel":"slack","outcome":"retrying","detail":"HTTP 503 \"busy\""}"#
        )
        let incident = HistoryEvent.incident(.gpuLost, at: Self.start, labels: .none, detail: "")
        #expect(
            HistoryEventJSON.encode([incident])
                == #"[{"time":"2027-01-15T08:00:00.000Z","category":"incident","kind":"gpu_lost","rule":null,"severity":null,"labels":{},"channel":null,"outcome":null,"detail":""}]"#
        )
    }

    @Test("RFC 3339 times parse back what format writes, with offsets and fractions; anything else is nil")
    func rfc3339() throws {
        for seconds in [0.0, 1_800_000_000.25, 951_782_400, 4_102_444_799.999, -86_400 * 365.0] {
            let date = Date(timeIntervalSince1970: seconds)
            for zone in [TimeZone(secondsFromGMT: 0)!, TimeZone(secondsFromGMT: 8 * 3600)!, TimeZone(secondsFromGMT: -(3 * 3600 + 1800))!] {
                let text = RFC3339.format(date, timeZone: zone)
                let parsed = try #require(RFC3339.parse(text), "\(text)")
                #expect(abs(parsed.timeIntervalSince1970 - seconds) < 0.001, "\(text)")
            }
        }
        #expect(RFC3339.parse("2026-12-04T03:00:00Z")?.timeIntervalSince1970 == 1_796_353_200)
        #expect(RFC3339.parse("2026-12-04 11:00:00+08:00")?.timeIntervalSince1970 == 1_796_353_200)
        #expect(RFC3339.parse("2026-12-04T03:00:00.123456789Z").map { abs($0.timeIntervalSince1970 - 1_796_353_200.123456789) < 1e-6 } == true)
        for bad in [
            "", "2026-12-04", "2026-12-04T03:00:00", "2026-13-04T03:00:00Z", "2026-12-04T03:00:00+8", "2026-12-04T03:00:00Zjunk", "2026-12-04T03:00:00.Z",
        ] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("points in time: RFC 3339, Unix seconds, or a duration before now")
    func pointInTime() {
        let now = Self.start
        #expect(PointInTime.parse("6h", now: now) == now.addingTimeInterval(-21_600))
        #expect(PointInTime.parse("1796353200.5", now: now)?.timeIntervalSince1970 == 1_796_353_200.5)
        #expect(PointInTime.parse("2026-12-04T03:00:00Z", now: now)?.timeIntervalSince1970 == 1_796_353_200)
        #expect(PointInTime.parse("yesterday", now: now) == nil)
        #expect(PointInTime.parse("-5", now: now) == nil)
    }
}

extension Array {
    fileprivate func chunks(ofCount size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
