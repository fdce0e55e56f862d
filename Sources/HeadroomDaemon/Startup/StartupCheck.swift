import Foundation
public import HeadroomConfig
import HeadroomCollectors
import HeadroomCore
import HeadroomServer
public import Logging

/// Everything the daemon needs from the machine, checked before anything starts, in the
/// order a newcomer meets them: the state directory (created, writable, and not in use by
/// another daemon), the host root the collectors read, a configured NVML library, and the
/// server's address, token file and TLS files. The first unusable one ends the start.
public enum StartupCheck {
    /// What a successful check holds on to for the life of the daemon.
    public struct Resources: Sendable {
        /// Held until the process exits: no second daemon shares the outbox or history.
        public let stateLock: StateDirectoryLock?
    }

    /// The state directory's lock is a step of `deadline` (a disk that does not answer ends
    /// the start through it).
    public static func run(
        _ configuration: HeadroomConfiguration, _ dependencies: Dependencies,
        deadline: StartupDeadline, logger: Logger
    ) -> Result<Resources, StartupFailure> {
        var lock: StateDirectoryLock?
        if let directory = dependencies.stateDirectory?(configuration.delivery) {
            switch deadline.step("creating and locking \(StateDirectoryLock.path(in: directory))", { StateDirectoryLock.acquire(directory: directory) }) {
            case .success(let acquired): lock = acquired
            case .failure(let failure): return .failure(failure)
            }
        }
        if let problem = collectorProblem(configuration.collectors) { return .failure(StartupFailure(problem)) }
        if let problem = HTTPServer.startupProblem(configuration.server, logger: logger) { return .failure(StartupFailure(problem)) }
        return .success(Resources(stateLock: lock))
    }

    /// The host root must be a directory; a configured NVML library must be a readable file.
    static func collectorProblem(_ settings: CollectorSettings) -> String? {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: settings.root, isDirectory: &isDirectory) || !isDirectory.boolValue {
            return "collectors.root (HEADROOM_COLLECTORS_ROOT) is \(settings.root), which is not a directory; "
                + "mount the host's /proc and /sys there, or set collectors.root: /"
        }
        if let library = settings.nvmlLibrary, !settings.disabled.contains(.nvidia) {
            if !FileManager.default.fileExists(atPath: library, isDirectory: &isDirectory) || isDirectory.boolValue {
                return "collectors.nvml_library (HEADROOM_COLLECTORS_NVML_LIBRARY) is \(library), which does not exist; "
                    + "point it at the driver's libnvidia-ml.so.1, or remove the key to search the usual driver directories"
            }
            if !FileManager.default.isReadableFile(atPath: library) {
                return "collectors.nvml_library (HEADROOM_COLLECTORS_NVML_LIBRARY) is \(library), which this user cannot read; "
                    + "grant read access, or remove the key to search the usual driver directories"
            }
        }
        return nil
    }
}
