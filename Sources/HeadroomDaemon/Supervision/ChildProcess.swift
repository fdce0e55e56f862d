import Foundation
import HeadroomCore

/// Starts the supervised command with `posix_spawnp`: default signal dispositions and an
/// empty signal mask (Headroom itself ignores the signals it traps, and ignored signals
/// would otherwise be inherited across exec), stdin and stdout shared, stderr through a
/// pipe so its last lines can go into the crash alert.
enum ChildProcess {
    struct Spawned {
        var pid: pid_t
        /// Read end of the child's stderr.
        var stderr: Int32
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    static func spawn(_ arguments: [String]) throws -> Spawned {
        precondition(!arguments.isEmpty)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        posix_spawn_file_actions_addclose(&actions, fds[1])

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        close(fds[1])
        guard result == 0 else {
            close(fds[0])
            throw SpawnError(description: "cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return Spawned(pid: pid, stderr: fds[0])
    }

    /// Blocks the calling thread until `pid` ends and returns how. When Headroom is PID 1 it
    /// reaps every child that ends meanwhile (orphans it inherited), as `tini` does: a thread
    /// asleep in `waitpid` costs nothing, where polling woke the process 50 times a second.
    static func waitForExit(_ pid: pid_t, reapAll: Bool) -> ChildTermination {
        while true {
            var status: Int32 = 0
            let reaped = waitpid(reapAll ? -1 : pid, &status, 0)
            if reaped == pid, let termination = ChildTermination.decode(waitStatus: status) { return termination }
            // EINTR, an orphan reaped, or a status that is not an ending: wait again. ECHILD:
            // someone else collected it and its status is lost; 255 is the usual "unknown".
            if reaped < 0, errno == ECHILD { return .exited(code: 255) }
        }
    }

    /// Collects ended children without blocking: every child when Headroom is PID 1 (it
    /// inherits orphans and must reap them), else only `pid`. Returns `pid`'s termination
    /// if it ended.
    static func reap(_ pid: pid_t, reapAll: Bool) -> ChildTermination? {
        var ended: ChildTermination?
        while true {
            var status: Int32 = 0
            let reaped = waitpid(reapAll ? -1 : pid, &status, WNOHANG)
            if reaped <= 0 { break }
            if reaped == pid, let termination = ChildTermination.decode(waitStatus: status) { ended = termination }
            if !reapAll { break }
        }
        return ended
    }
}
