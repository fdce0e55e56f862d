public import HeadroomCore

extension Daemon {
    /// Entrypoint mode: a supervisor for `command`, its collector attached to sampling.
    /// Pass it to `serviceGroup(supervising:)`.
    public func supervisor(for command: [String], restart: RestartPolicy) async -> SupervisorService {
        let supervisor = SupervisorService(command: command, policy: restart, sampling: sampling, logger: logger)
        sampling.attach(ChildCollector(state: supervisor.state))
        return supervisor
    }
}
