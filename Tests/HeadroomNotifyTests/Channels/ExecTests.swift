import Foundation
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Exec channel")
struct ExecTests {
    func notifier(_ command: [String], timeout: Duration = .seconds(10)) -> ExecNotifier {
        ExecNotifier(channel: "exec", configuration: ExecConfiguration(command: command, timeout: timeout), timeZone: utc)
    }

    @Test("argv without a shell; alert fields in HEADROOM_* variables, nothing inherited; the JSON object on stdin")
    func runs() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("exec-\(UUID().uuidString).json").path
        let script = """
            import json, os, sys
            json.dump({"argv": sys.argv[1:], "env": dict(os.environ), "stdin": sys.stdin.read()}, open(sys.argv[1], "w"))
            """
        let notification = sampleNotification(.resolved)
        try await notifier(["/usr/bin/env", "python3", "-c", script, output, "$HOME; rm -rf /"]).deliver(notification)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        #expect(record["argv"] as? [String] == [output, "$HOME; rm -rf /"])
        let environment = try #require(record["env"] as? [String: String])
        #expect(environment["HEADROOM_STATUS"] == "resolved")
        #expect(environment["HEADROOM_RULE"] == "cpu_overload")
        #expect(environment["HEADROOM_VALUE"] == "41.700")
        #expect(environment["HEADROOM_HOST"] == "gpu-01")
        #expect(environment["HEADROOM_IDEMPOTENCY_KEY"] == DeliveryContext.key(for: notification))
        #expect(environment["HOME"] == nil)
        #expect((record["stdin"] as? String) == AlertJSON.encode(notification, timeZone: utc) + "\n")
    }

    @Test("exit 0 succeeds, 75 asks for a retry, any other status is permanent and quotes stderr")
    func statuses() async throws {
        try await notifier(["/bin/sh", "-c", "exit 0"]).deliver(sampleNotification())
        await #expect(throws: DeliveryError.retryable("exec: the command exited 75 (try again later): busy")) {
            try await notifier(["/bin/sh", "-c", "echo busy >&2; exit 75"]).deliver(sampleNotification())
        }
        await #expect(throws: DeliveryError.permanent("exec: the command exited 3: no route to pager")) {
            try await notifier(["/bin/sh", "-c", "echo no route to pager >&2; exit 3"]).deliver(sampleNotification())
        }
        await #expect(throws: DeliveryError.self) { try await notifier(["/nonexistent/pager"]).deliver(sampleNotification()) }
    }

    @Test("a command that outlives its timeout is stopped and retried later")
    func timeout() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("exec-\(UUID().uuidString).pid").path
        // The shell writes its PID, then becomes `sleep 30` (exec keeps the PID).
        let command = ["/bin/sh", "-c", "echo $$ > '\(pidFile)'; exec /bin/sleep 30"]
        await #expect(throws: DeliveryError.retryable("exec: the command timed out and was stopped")) {
            // Long enough for the shell to start and write its PID on a loaded machine.
            try await notifier(command, timeout: .seconds(2)).deliver(sampleNotification())
        }
        // Stopped and reaped by the time delivery returns: the PID no longer exists.
        let text = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let pid = try #require(pid_t(text))
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }
}
