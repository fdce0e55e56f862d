import ArgumentParser
import Dispatch
import Glibc
import HeadroomDaemon

/// The process's entry point. Swift concurrency's jobs run on Headroom's own threads
/// (`TaskThreads`), so the command starts in a detached task rather than in an async `main`
/// (whose first job the main actor would hand to Dispatch's pool). The main thread waits in
/// Dispatch's main loop, which serves the main actor should anything ask for it.
@main
enum Entry {
    static func main() {
        TaskThreads.install()
        Task.detached {
            await Headroom.main()
            exit(0)
        }
        dispatchMain()
    }
}

/// `headroom`: the root command; with no subcommand it runs the daemon.
struct Headroom: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "headroom",
        abstract: "Resource early warning for GPU inference services: warns before CPU, memory or GPU memory run out.",
        discussion: """
            Headroom samples the host, its container's cgroup and pressure-stall information every few \
            seconds, applies tiered alert rules, and tells people before the crash.

            Configuration is looked up in this order: --config PATH, $HEADROOM_CONFIG, \
            /etc/headroom/headroom.yaml, else the embedded default (print it with `headroom config default`). \
            Any scalar key can be overridden from the environment, e.g. HEADROOM_INTERVAL=2s.

            EXAMPLES
              headroom                                   run with the embedded default (console alerts)
              headroom run --config /etc/headroom/headroom.yaml
              HEADROOM_CPU_WARN_PERCENT=85 headroom      tighten the CPU overload threshold
              headroom check                             one-shot Nagios-style check (exit 0/1/2/3)
              headroom config validate my.yaml           report every problem in a file
            """,
        version: version,
        subcommands: [
            RunCommand.self, CheckCommand.self, GPUsCommand.self, TopCommand.self, ConfigCommand.self, SilenceCommand.self, NotifyCommand.self,
            HistoryCommand.self,
            BacktestCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )
}
