import Foundation
import HeadroomCore
import HeadroomNotify
import Logging
public import ServiceLifecycle
import Synchronization
import UnixSignals

/// Entrypoint mode (`headroom run -- COMMAND ARGS…`): starts the command as a child, forwards
/// signals to it, reaps zombies when Headroom is PID 1, raises `child_crashed` (exit code or
/// signal, last stderr lines) through the normal rules and delivery, optionally restarts it
/// with backoff, and finally lets the daemon exit with the child's status.
public final class SupervisorService: Service, Sendable {
    /// Signals passed on to the child. SIGTERM, SIGINT and SIGQUIT also mean "stop": the
    /// child is not restarted and its exit is not a crash.
    static let forwarded: [UnixSignal] = [.sigterm, .sigint, .sigquit, .sighup, .sigusr1, .sigusr2, .sigwinch]
    static let stopping: Set<Int32> = [SIGTERM, SIGINT, SIGQUIT]

    let command: [String]
    let policy: RestartPolicy
    let state: ChildState
    private let sampling: SamplingService
    private let logger: Logger
    private let current = Mutex<Subprocess?>(nil)
    private let stopRequested = Mutex(false)
    private let status = Mutex<Int32?>(nil)

    init(command: [String], policy: RestartPolicy, sampling: SamplingService, logger: Logger) {
        self.command = command
        self.policy = policy
        self.sampling = sampling
        self.logger = logger
        state = ChildState(command: command.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " "))
    }

    /// The status to exit with once `run()` returned: the child's (code, or 128 + signal).
    public var exitStatus: Int32 { status.withLock { $0 } ?? 1 }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: Self.forwarded)
        let forwarding = Task { [self] in
            for await signal in signals {
                if Self.stopping.contains(signal.rawValue) { self.stopRequested.withLock { $0 = true } }
                guard let child = self.current.withLock({ $0 }) else { continue }
                self.logger.info("forwarding \(signal) to the child", metadata: ["pid": "\(child.pid)"])
                child.signal(signal.rawValue)
            }
        }
        defer { forwarding.cancel() }
        let reapAll = getpid() == 1
        // A round before the first start, so a crash at once still is an increase.
        await sampling.tick()
        var restarts = 0
        while true {
            // Looked up on PATH, with Headroom's environment, stdin and stdout; stderr through a
            // pipe so its last lines can go into the crash alert. Same process group (a terminal's
            // Ctrl-C reaches it as it would without Headroom), and descriptors above 2 stay open
            // (whoever started Headroom may pass the command sockets).
            let child: Subprocess
            do {
                child = try Subprocess(command, searchPath: true, standardError: .pipe, newProcessGroup: false, closesOtherDescriptors: false)
            } catch {
                logger.critical("\(error)")
                status.withLock { $0 = 127 }
                return
            }
            current.withLock { $0 = child }
            state.update {
                $0.running = true
                $0.starts += 1
                $0.restart()
            }
            let forwarder = child.standardError.map { StderrForwarder(fd: $0, state: state) }
            logger.info("started child", metadata: ["pid": "\(child.pid)", "command": "\(state.command)", "pid1": "\(reapAll)"])

            let termination = await withCheckedContinuation { continuation in
                DetachedThread.start(name: "headroom-child") {
                    continuation.resume(returning: child.wait(reapingOrphans: reapAll))
                }
            }
            current.withLock { $0 = nil }
            await forwarder?.drain()
            let stopping = stopRequested.withLock { $0 }
            state.update {
                $0.running = false
                $0.lastTermination = termination
                if termination.isFailure && !stopping { $0.crashes += 1 }
            }
            logger.log(
                level: termination.isFailure && !stopping ? .error : .info, "child \(termination)",
                metadata: ["pid": "\(child.pid)", "status": "\(termination.exitStatus)"])
            await sampling.tick()
            if !stopping, let delay = policy.delay(after: termination, restarts: restarts) {
                logger.info("restarting the child in \(delay.headroomDescription)", metadata: ["restart": "\(restarts + 1)"])
                try? await TimedWait.sleep(for: delay)
                if !stopRequested.withLock({ $0 }) {
                    restarts += 1
                    continue
                }
            }
            status.withLock { $0 = termination.exitStatus }
            if reapAll { Subprocess.reapEndedChildren() }
            return
        }
    }
}
