import Foundation
import HeadroomConfig
import Testing

@Suite("What a reload applies")
struct ReloadScopeTests {
    static let base = """
        interval: 5s
        rules:
          - {name: disk_any, metric: memory_used_percent, above: 50}
        """

    @Test("rules, channels, interval, collectors and alerting reload; each restart-only section that changed is named by its key")
    func named() throws {
        let running = try configuration(Self.base)
        let reloadable = try configuration(
            Self.base.replacingOccurrences(of: "5s", with: "1s").replacingOccurrences(of: "above: 50", with: "above: 60")
                + "\nchannels: [{type: jsonlog, path: /tmp/a.jsonl}]\ncollectors: {disabled: [load]}\nalerting: {repeat_interval: 1h}\n")
        #expect(running.restartOnlyChanges(in: reloadable).isEmpty)
        #expect(running.restartOnlyChanges(in: running).isEmpty)

        let restartOnly = try configuration(
            Self.base
                + """

                hostname: node-7
                log: {level: debug}
                state_dir: /var/lib/other
                delivery: {retry: {initial: 2s}}
                server: {listen: "127.0.0.1:19500"}
                push: {enabled: true, url: "http://127.0.0.1:8428/write"}
                history: {retention: 1d}
                """)
        #expect(
            running.restartOnlyChanges(in: restartOnly) == ["hostname", "log", "state_dir", "delivery", "server", "push", "history"])
        // The state directory alone is state_dir, not delivery.
        #expect(running.restartOnlyChanges(in: try configuration(Self.base + "\nstate_dir: /var/lib/other\n")) == ["state_dir"])
    }

    @Test("after a reload the restart-only sections stay the running ones, so the next reload still names them; the rest is the new file's")
    func kept() throws {
        let running = try configuration(Self.base)
        let next = try configuration(Self.base.replacingOccurrences(of: "above: 50", with: "above: 60") + "\nserver: {listen: \"127.0.0.1:19500\"}\n")
        let after = running.reloaded(to: next)
        #expect(after.server == running.server)
        #expect(after.rules == next.rules)
        #expect(after.restartOnlyChanges(in: next) == ["server"])
        // Back to the file it started with: nothing left to name.
        #expect(after.restartOnlyChanges(in: running).isEmpty)
    }
}
