import Foundation
import HeadroomTesting
import Testing

extension ProcessTests {
    /// `headroom run -- COMMAND ARGS…` with the real binary and real children.
    @Suite("Entrypoint mode")
    struct EntrypointTests {
        static let quiet = ["HEADROOM_COLLECTORS_DISABLED": "cpu,memory,load,pressure,nvidia,amdgpu"]

        @Test("a crashing child: headroom exits with its code and child_crashed carries the code and the last stderr lines")
        func crash() async throws {
            let (status, stdout, stderr) = try await HeadroomProcess.run(
                ["run", "--", "sh", "-c", "echo loading model >&2; echo CUDA error: out of memory >&2; exit 3"], environment: Self.quiet)
            #expect(status == 3, "\(stderr)")
            #expect(stdout.contains("[CRIT] child_crashed: sh -c"), "\(stdout)")
            #expect(stdout.contains("exited with code 3; last stderr: loading model | CUDA error: out of memory"), "\(stdout)")
            #expect(stderr.contains("CUDA error: out of memory"), "the child's stderr still reaches ours")
        }

        @Test("exit statuses propagate: 0 stays quiet, a signal death is 128 + N and says which signal")
        func statuses() async throws {
            let clean = try await HeadroomProcess.run(["run", "--", "true"], environment: Self.quiet)
            #expect(clean.0 == 0)
            #expect(!clean.1.contains("child_crashed"))
            let killed = try await HeadroomProcess.run(["run", "--", "sh", "-c", "kill -KILL $$"], environment: Self.quiet)
            #expect(killed.0 == 137)
            #expect(killed.1.contains("was killed by signal 9 (SIGKILL: the kernel's OOM killer, or kill -9)"), "\(killed.1)")
            let missing = try await HeadroomProcess.run(["run", "--", "/nonexistent/inference-server"], environment: Self.quiet)
            #expect(missing.0 == 127)
        }

        @Test("signals are forwarded: USR1 reaches the child, TERM stops it without a crash alert and its code is ours")
        func forwarding() async throws {
            let script = #"trap 'echo got USR1' USR1; trap 'echo got TERM; exit 7' TERM; echo ready; while :; do sleep 0.05; done"#
            let child = try HeadroomProcess(["run", "--", "sh", "-c", script], environment: Self.quiet)
            try await child.waitFor("the child's trap") { out, _ in out.contains("ready") }
            child.signal(SIGUSR1)
            try await child.waitFor("USR1 in the child") { out, _ in out.contains("got USR1") }
            child.signal(SIGTERM)
            let status = try await child.wait()
            #expect(status == 7)
            #expect(child.stdout.contains("got TERM"))
            #expect(!child.stdout.contains("child_crashed"), "a requested stop is not a crash")
        }

        @Test(
            "every forwarded signal reaches the child: INT, QUIT, HUP, USR1, USR2, WINCH; then TERM stops it",
            arguments: [[SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH]])
        func everySignal(signals: [Int32]) async throws {
            let names = ["INT", "QUIT", "HUP", "USR1", "USR2", "WINCH"]
            // The child traps each and says so; TERM ends it with 0.
            let traps = names.map { "trap 'echo got \($0)' \($0)" }.joined(separator: "; ")
            let script = traps + #"; trap 'echo got TERM; exit 0' TERM; echo ready; while :; do sleep 0.05; done"#
            let child = try HeadroomProcess(["run", "--", "sh", "-c", script], environment: Self.quiet)
            try await child.waitFor("the child's traps") { out, _ in out.contains("ready") }
            for (number, name) in zip(signals, names) {
                child.signal(number)
                try await child.waitFor("\(name) in the child") { out, _ in out.contains("got \(name)") }
            }
            child.signal(SIGTERM)
            #expect(try await child.wait() == 0)
            // Headroom itself neither reloaded on HUP nor stopped on INT: the child got them.
            #expect(!child.stderr.contains("configuration reloaded"), "\(child.stderr)")
            #expect(!child.stdout.contains("child_crashed"))
        }

        @Test("--restart always restarts a child that exits 0 too; child_up and child_restarts_total say so on /metrics")
        func restartAlways() async throws {
            let directory = try TemporaryDirectory()
            let counter = directory.path("runs")
            // Each run appends a line, then exits 0 (a worker that finishes its queue).
            let child = try HeadroomProcess(
                [
                    "run", "--restart", "always", "--restart-delay", "0.1", "--",
                    "sh", "-c", "echo run >> '\(counter)'; sleep 0.3; exit 0",
                ], environment: Self.quiet)
            let port = try await child.servingPort()
            func runs() -> Int { ((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "").split(separator: "\n").count }
            let page = try await poll("two restarts on /metrics") { () async -> String? in
                guard runs() >= 3, let (_, body) = await httpGet("http://127.0.0.1:\(port)/metrics"),
                    let restarts = body.split(separator: "\n").first(where: { $0.hasPrefix("headroom_child_restarts_total") }),
                    let value = Double(restarts.split(separator: " ").last ?? ""), value >= 2
                else { return nil }
                return body
            }
            child.signal(SIGTERM)
            let status = try await child.wait()
            #expect(status == 0 || status == 143, "\(child.stderr)")
            let text = try #require(page)
            #expect(text.split(separator: "\n").contains { $0.hasPrefix("headroom_child_up") }, "\(text)")
            #expect(!child.stdout.contains("child_crashed"), "exit 0 is not a crash, even restarted")
        }

        @Test("restart on failure with backoff, then give up after --restart-max and exit with the last status")
        func restart() async throws {
            let (status, stdout, stderr) = try await HeadroomProcess.run(
                ["run", "--restart", "on-failure", "--restart-max", "2", "--restart-delay", "0.1", "--", "sh", "-c", "echo run; exit 4"],
                environment: Self.quiet)
            #expect(status == 4)
            #expect(stdout.components(separatedBy: "run\n").count - 1 == 3, "started three times:\n\(stdout)")
            #expect(stderr.contains("restarting the child in 100ms") && stderr.contains("restarting the child in 200ms"), "\(stderr)")
        }

        @Test("as PID 1 of a PID namespace (unshare) it reaps orphaned zombies; a PID 1 that does not leaves them")
        func reapsZombies() async throws {
            let unshare = try TestPeer.path("unshare", package: "util-linux")
            let python = try TestPeer.python()
            let directory = try TemporaryDirectory()
            // Two orphans that exit while the script still runs (it waits, bounded, until no
            // live `sleep` is left rather than guessing how long a loaded machine takes), a
            // moment for a reaping PID 1 to act, then a count of zombies.
            let script = try directory.write(
                "zombies.sh",
                """
                (sleep 0.2 &); (sleep 0.2 &)
                i=0; while [ $i -lt 200 ]; do
                  live=0; for s in /proc/[0-9]*/stat; do read -r _ comm state _ < "$s" 2>/dev/null || continue
                    if [ "$comm" = "(sleep)" ] && [ "$state" != Z ]; then live=$((live+1)); fi; done
                  [ $live -eq 0 ] && break; sleep 0.1; i=$((i+1))
                done
                sleep 0.5
                z=0; for s in /proc/[0-9]*/stat; do case "$(cut -d' ' -f3 "$s" 2>/dev/null)" in Z) z=$((z+1));; esac; done
                echo "zombies=$z"

                """)
            // Control: python's subprocess.run waits for its own child only.
            let control = try ExternalProcess(
                unshare,
                [
                    "--pid", "--fork", "--mount-proc", python, "-c",
                    "import subprocess; subprocess.run(['sh', '\(script)'])",
                ], directory: directory.url)
            _ = try await control.wait()
            if control.log.contains("Operation not permitted") {
                Issue.record("unshare needs CAP_SYS_ADMIN here: \(control.log)")
                return
            }
            #expect(control.log.contains("zombies=2"), "the scenario makes zombies under a PID 1 that does not reap: \(control.log)")
            let headroom = HeadroomProcess.executable.path
            let (status, stdout, stderr) = try await Self.runUnshared(unshare, headroom, script)
            #expect(status == 0, "\(stderr)")
            #expect(stderr.contains("pid1=true"), "headroom is PID 1 in the namespace")
            #expect(stdout.contains("zombies=0"), "\(stdout)")
        }

        static func runUnshared(_ unshare: String, _ headroom: String, _ script: String) async throws -> (Int32, String, String) {
            let child = try HeadroomProcess.wrapped(unshare, ["--pid", "--fork", "--mount-proc", headroom, "run", "--", "sh", script], environment: quiet)
            let status = try await child.wait()
            return (status, child.stdout, child.stderr)
        }
    }
}
