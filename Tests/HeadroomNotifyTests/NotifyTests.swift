import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Logging
import Testing

let utc = TimeZone(identifier: "UTC")!
let shanghai = TimeZone(identifier: "Asia/Shanghai")!

func sampleNotification(_ kind: AlertNotification.Kind = .firing, severity: Severity = .warning) -> AlertNotification {
    var alert = Alert(
        rule: "cpu_overload", severity: severity, family: "cpu_used_percent", metric: "cpu_used_percent",
        labels: .none, condition: .above(90), value: 97.4, peak: 99, since: Date(timeIntervalSince1970: 1_800_000_000),
        firedAt: Date(timeIntervalSince1970: 1_800_000_010))
    if kind == .resolved {
        alert.value = 41.7
        alert.resolvedAt = Date(timeIntervalSince1970: 1_800_000_393)
    }
    return AlertNotification(kind: kind, alert: alert, time: alert.resolvedAt ?? Date(timeIntervalSince1970: 1_800_000_010.25), host: "gpu-01")
}

@Suite("JSON log schema")
struct AlertJSONTests {
    @Test("a firing notification, key by key, in the documented order")
    func firing() throws {
        let line = AlertJSON.encode(sampleNotification(), timeZone: utc)
        #expect(
            line
                == #"{"time":"2027-01-15T08:00:10.250Z","status":"firing","severity":"warning","rule":"cpu_overload","metric":"cpu_used_percent","labels":{},"value":97.4,"threshold":90,"since":"2027-01-15T08:00:00.000Z","duration":10.25,"peak":99,"summary":"cpu_used_percent 97.4% > 90.0% for 10s","host":"gpu-01","fingerprint":"\#(Alert.fingerprint(rule: "cpu_overload", labels: .none))","fired_at":"2027-01-15T08:00:10.000Z","resolved_at":null,"schema":1}"#
        )
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object.count == 17)
    }

    @Test("a resolved notification carries value, peak, duration and the offset of the configured zone")
    func resolved() throws {
        let line = AlertJSON.encode(sampleNotification(.resolved), timeZone: shanghai)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "resolved")
        #expect(object["value"] as? Double == 41.7)
        #expect(object["peak"] as? Double == 99)
        #expect(object["duration"] as? Double == 393)
        #expect(object["resolved_at"] as? String == "2027-01-15T16:06:33.000+08:00")
        #expect((object["summary"] as? String)?.contains("lasted 6m33s") == true)
    }

    @Test("strings are escaped and non-finite numbers become null")
    func escaping() throws {
        var notification = sampleNotification()
        notification.alert.labels = ["path": "a \"quoted\" \\ value\n\u{1}"]
        notification.alert.value = .nan
        let line = AlertJSON.encode(notification, timeZone: utc)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect((object["labels"] as? [String: String])?["path"] == "a \"quoted\" \\ value\n\u{1}")
        #expect(object["value"] is NSNull)
        #expect(!line.contains("\n"))
    }

    @Test("the API's firing alert is the same schema: shared keys in the same order and types, NaN as null, gate and detail")
    func firingAlertForTheAPI() throws {
        var notification = sampleNotification()
        notification.alert.value = .nan
        notification.alert.detail = "pid 4242 python3"
        let api = AlertJSON.encode(firing: notification.alert, gate: true)
        let log = AlertJSON.encode(notification, timeZone: utc)
        #expect(
            api
                == #"{"state":"firing","severity":"warning","rule":"cpu_overload","metric":"cpu_used_percent","labels":{},"value":null,"threshold":90,"since":"2027-01-15T08:00:00.000Z","peak":99,"fingerprint":"\#(Alert.fingerprint(rule: "cpu_overload", labels: .none))","fired_at":"2027-01-15T08:00:10.000Z","gate":true,"detail":"pid 4242 python3"}"#
        )
        // Every key the two share, in the same order, with the same value.
        func keys(_ json: String) -> [String] { json.matches(of: /"(\w+)":/).map { String($0.1) } }
        let shared = keys(api).filter(Set(keys(log)).contains)
        #expect(shared == keys(log).filter(Set(keys(api)).contains))
        #expect(shared == ["severity", "rule", "metric", "labels", "value", "threshold", "since", "peak", "fingerprint", "fired_at"])
        let apiObject = try #require(try JSONSerialization.jsonObject(with: Data(api.utf8)) as? [String: Any])
        let logObject = try #require(try JSONSerialization.jsonObject(with: Data(log.utf8)) as? [String: Any])
        for key in shared { #expect("\(apiObject[key] ?? "absent")" == "\(logObject[key] ?? "absent")", "\(key)") }
    }
}

@Suite("Console channel")
struct ConsoleTests {
    @Test(
        "level tags per kind and severity",
        arguments: [
            (AlertNotification.Kind.firing, Severity.warning, "[WARN]"),
            (.firing, .critical, "[CRIT]"),
            (.firing, .info, "[INFO]"),
            (.repeat, .critical, "[CRIT]"),
            (.resolved, .critical, "[RESOLVED]"),
            (.flapping, .warning, "[FLAPPING]"),
        ])
    func tags(kind: AlertNotification.Kind, severity: Severity, tag: String) {
        let line = ConsoleNotifier.line(sampleNotification(kind, severity: severity), color: false, timeZone: utc)
        #expect(line.contains(" \(tag) cpu_overload: "))
        #expect(!line.contains("\u{1B}"))
    }

    @Test("colour only when asked for, and the line reads as documented")
    func color() {
        let plain = ConsoleNotifier.line(sampleNotification(), color: false, timeZone: utc)
        #expect(plain == "2027-01-15T08:00:10.250Z [WARN] cpu_overload: cpu_used_percent 97.4% > 90.0% for 10s (host gpu-01)")
        let colored = ConsoleNotifier.line(sampleNotification(), color: true, timeZone: utc)
        #expect(colored.contains("\u{1B}[1;33m[WARN]\u{1B}[0m"))
    }

    @Test("auto colour is off when the output is not a terminal, and NO_COLOR wins")
    func autoColor() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-console-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.txt").path
        let notifier = ConsoleNotifier(
            channel: "console", configuration: ConsoleConfiguration(color: .auto), environment: [:], timeZone: utc, sink: TextSink(path: path))
        try await notifier.deliver(sampleNotification())
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("(host gpu-01)\n"))
        #expect(!text.contains("\u{1B}"))
    }
}

@Suite("JSON log channel and its file")
struct JSONLogTests {
    @Test("appends one object per line, creates the directory, reopens after rotation")
    func rotation() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-jsonlog-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nested/alerts.jsonl").path
        let notifier = JSONLogNotifier(channel: "jsonlog", configuration: JSONLogConfiguration(path: path), timeZone: utc)
        try await notifier.deliver(sampleNotification())
        try await notifier.deliver(sampleNotification(.resolved))
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 2)
        // logrotate moves the file away; the next line starts a new file.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try await notifier.deliver(sampleNotification())
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 1)
        #expect(try String(contentsOfFile: path + ".1", encoding: .utf8).split(separator: "\n").count == 2)
    }

    @Test("the file is closed when the channel goes (a reload replaces it)")
    func closedWithTheChannel() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-jsonlog-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("alerts.jsonl").path
        /// This process's descriptors open on `path`.
        func descriptors() -> Int {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return entries.count { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) == path }
        }
        var notifier: JSONLogNotifier? = JSONLogNotifier(channel: "jsonlog", configuration: JSONLogConfiguration(path: path), timeZone: utc)
        try await notifier?.deliver(sampleNotification())
        #expect(descriptors() == 1)
        notifier = nil
        #expect(descriptors() == 0)
    }

    @Test("an unwritable path is a retryable failure naming the path")
    func unwritable() async {
        let notifier = JSONLogNotifier(channel: "jsonlog", configuration: JSONLogConfiguration(path: "/proc/headroom-cannot-write/alerts.jsonl"), timeZone: utc)
        do {
            try await notifier.deliver(sampleNotification())
            Issue.record("expected a failure")
        } catch {
            guard case .retryable(let reason) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(reason.contains("/proc/headroom-cannot-write"))
        }
    }
}

@Suite("Delivery pipeline")
struct DeliveryPipelineTests {
    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    @Test("channels get what their configuration accepts")
    func filtering() async {
        let all = RecordingNotifier(channel: "all")
        let critical = RecordingNotifier(channel: "critical")
        let noResolved = RecordingNotifier(channel: "no-resolved")
        let disabled = RecordingNotifier(channel: "disabled")
        let routes = [
            DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "all", settings: .console(.init())), notifier: all),
            DeliveryPipeline.Route(
                configuration: ChannelConfiguration(name: "critical", minimumSeverity: .critical, settings: .console(.init())), notifier: critical),
            DeliveryPipeline.Route(
                configuration: ChannelConfiguration(name: "no-resolved", sendResolved: false, settings: .console(.init())), notifier: noResolved),
            DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "disabled", enabled: false, settings: .console(.init())), notifier: disabled),
        ]
        let pipeline = DeliveryPipeline(routes: routes, logger: Self.logger)
        await pipeline.submit([sampleNotification(), sampleNotification(.resolved), sampleNotification(severity: .critical)], at: Date())
        #expect(all.received.count == 3)
        #expect(critical.received.map(\.alert.severity) == [.critical])
        #expect(noResolved.received.map(\.kind) == [.firing, .firing])
        #expect(disabled.received.isEmpty)
        #expect(await pipeline.statistics["all"]?.successes == 3)
    }

    @Test("retryable failures back off and are retried; permanent ones are not")
    func retries() async {
        let notifier = RecordingNotifier(channel: "flaky")
        notifier.failNext([.retryable("connection refused"), .retryable("connection refused"), .permanent("bad token")])
        let route = DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "flaky", settings: .console(.init())), notifier: notifier)
        let pipeline = DeliveryPipeline(
            routes: [route], settings: DeliverySettings(retry: Backoff(initial: .seconds(1), maximum: .seconds(60))), jitter: { 1 }, logger: Self.logger)
        let start = Date(timeIntervalSince1970: 1_000)
        await pipeline.submit([sampleNotification()], at: start) // fails, retry at +1 s
        await pipeline.retryDue(at: start.addingTimeInterval(0.5)) // not yet due
        #expect(await pipeline.pendingCount == 1)
        await pipeline.retryDue(at: start.addingTimeInterval(1)) // fails again, retry at +2 s more
        await pipeline.retryDue(at: start.addingTimeInterval(2)) // not yet
        #expect(notifier.received.isEmpty)
        await pipeline.retryDue(at: start.addingTimeInterval(3)) // permanent: dropped, loudly
        #expect(await pipeline.pendingCount == 0)
        #expect(notifier.received.isEmpty)
        #expect(await pipeline.statistics["flaky"]?.failures == 3)
        await pipeline.submit([sampleNotification()], at: start.addingTimeInterval(4))
        #expect(notifier.received.count == 1)
    }

    @Test("capped exponential backoff", arguments: [(1, 1.0), (2, 2.0), (3, 4.0), (7, 60.0), (40, 60.0)])
    func backoff(attempt: Int, seconds: Double) {
        let policy = Backoff(initial: .seconds(1), maximum: .seconds(60))
        #expect(policy.delay(afterFailures: attempt) == .milliseconds(Int64(seconds * 1000)))
    }
}
