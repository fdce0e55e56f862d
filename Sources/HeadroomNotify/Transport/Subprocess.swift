import CLinuxShims
import Glibc
package import HeadroomCore
import Synchronization

/// A program started with `posix_spawn`: the one way Headroom and its tests run a command
/// (the exec and sound channels, the supervised child, the peers tests start).
///
/// Not Foundation's `Process`: on Linux it watches children and pipes with dispatch sources,
/// and a source cancelled while its descriptor is closed and the number reused left epoll
/// pointing at freed memory (libdispatch's manager thread crashed in the test suite). Here
/// nothing is registered with dispatch: a thread of its own blocks in `waitid` and reaps the
/// child the moment it ends, and pipes are read by `PipeReader`, a thread blocked in `read`.
///
/// The child starts with every signal at its default disposition and none blocked (Headroom
/// ignores SIGPIPE and the signals it traps, and ignored signals would be inherited across
/// exec), and with no descriptor but 0, 1 and 2 unless `closesOtherDescriptors` is false.
/// Pipes are made close-on-exec, so a child started meanwhile by another thread cannot
/// inherit one and hold it open.
package final class Subprocess: Sendable {
    /// Where one of the child's standard streams goes.
    package enum Stream: Sendable {
        /// The parent's own.
        case inherit
        /// /dev/null.
        case null
        /// A new pipe; the parent's end is in `standardInput`, `standardOutput` or `standardError`.
        case pipe
        /// A duplicate of this open descriptor (the caller still owns and closes it).
        case descriptor(Int32)
    }

    /// `posix_spawn` failed: the program does not exist, is not executable, or the system is out of resources.
    package struct SpawnError: Error, CustomStringConvertible {
        /// The program as given.
        package var program: String
        /// strerror's text, e.g. "No such file or directory".
        package var reason: String
        package var description: String { "cannot start \(program): \(reason)" }
    }

    package let pid: Int32
    /// The write end of the child's stdin when it is `.pipe`; the caller writes and closes it.
    package let standardInput: Int32?
    /// The read end of the child's stdout when it is `.pipe`; hand it to a `PipeReader`, or read and close it.
    package let standardOutput: Int32?
    /// The read end of the child's stderr when it is `.pipe`.
    package let standardError: Int32?

    /// Set under the lock when the child has been reaped: after that its PID may belong to
    /// another process, so `signal` must not use it.
    private let reaped = Mutex<ChildTermination?>(nil)
    private let ended = Eventual<ChildTermination>()

    /// Starts `arguments[0]` with `arguments` as its argv.
    ///
    /// - Parameters:
    ///   - environment: exactly these variables; nil passes Headroom's own environment on.
    ///   - searchPath: look a name without a slash up on PATH (`posix_spawnp`).
    ///   - directory: the working directory, nil for Headroom's.
    ///   - newProcessGroup: start a process group of its own, so a terminal's Ctrl-C reaches
    ///     Headroom (which decides) rather than the command too (Foundation's `Process` did this).
    ///   - closesOtherDescriptors: close every descriptor above 2 in the child. The supervised
    ///     child keeps them: whoever started `headroom run -- …` may pass it sockets.
    package init(
        _ arguments: [String], environment: [String: String]? = nil, searchPath: Bool = false, directory: String? = nil,
        standardInput stdinStream: Stream = .inherit, standardOutput stdoutStream: Stream = .inherit,
        standardError stderrStream: Stream = .inherit, newProcessGroup: Bool = true, closesOtherDescriptors: Bool = true
    ) throws(SpawnError) {
        precondition(!arguments.isEmpty, "Subprocess needs a program")
        let program = arguments[0]
        func failure(_ code: Int32) -> SpawnError { SpawnError(program: program, reason: String(cString: strerror(code))) }

        // Parent's end, child's end, per stream; every end closed again on the way out but
        // the parent's ends of a spawned child.
        var parentEnds: [Int32?] = [nil, nil, nil]
        var childEnds: [Int32] = []
        var spawned = false
        defer {
            for fd in childEnds { close(fd) }
            if !spawned { for fd in parentEnds.compactMap({ $0 }) { close(fd) } }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, stream) in [stdinStream, stdoutStream, stderrStream].enumerated() {
            let target = Int32(target)
            switch stream {
            case .inherit:
                break
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .descriptor(let fd):
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .pipe:
                var fds: [Int32] = [-1, -1]
                guard pipe2(&fds, O_CLOEXEC) == 0 else { throw failure(errno) }
                // fds[0] reads, fds[1] writes: the child reads its stdin and writes the others.
                let (child, parent) = target == 0 ? (fds[0], fds[1]) : (fds[1], fds[0])
                childEnds.append(child)
                parentEnds[Int(target)] = parent
                // dup2 clears close-on-exec on the copy; the originals close at exec.
                posix_spawn_file_actions_adddup2(&actions, child, target)
            }
        }
        if let directory { posix_spawn_file_actions_addchdir_np(&actions, directory) }
        if closesOtherDescriptors { posix_spawn_file_actions_addclosefrom_np(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in envp ?? [] { free(pointer) } }
        var pid: pid_t = 0
        func spawn(_ envp: UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
            searchPath
                ? posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
                : posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        }
        // glibc reports a failed exec (ENOENT, EACCES) here, not as an exit status 127.
        let result = envp.map { $0.withUnsafeBufferPointer { spawn($0.baseAddress!) } } ?? spawn(environ)
        guard result == 0 else { throw failure(result) }
        spawned = true
        self.pid = pid
        standardInput = parentEnds[0]
        standardOutput = parentEnds[1]
        standardError = parentEnds[2]
        // Reaped as soon as it ends, whether or not anyone waits, as Foundation's Process did:
        // no zombie outlives it, and `termination(within:)` never needs a thread of the pool.
        DetachedThread.start(name: "headroom-wait") { [self] in _ = wait() }
    }

    // MARK: - Ending

    /// How the child ended, once it has been reaped.
    package var termination: ChildTermination? { reaped.withLock { $0 } }

    /// False once the child has ended and been reaped.
    package var isRunning: Bool { termination == nil }

    /// Waits, without holding a concurrency thread, until the child has ended and been
    /// reaped; nil when `limit` passes first or the task is cancelled.
    package func termination(within limit: Duration? = nil) async -> ChildTermination? {
        await ended.value(within: limit)
    }

    /// Blocks the calling thread until the child ends, and returns how.
    ///
    /// `reapingOrphans` is for Headroom as PID 1 (the container entrypoint): every child that
    /// ends meanwhile is reaped too (orphans the kernel hands to PID 1), as `tini` does. A
    /// thread asleep in `waitid` costs nothing, where polling woke the process 50 times a second.
    package func wait(reapingOrphans: Bool = false) -> ChildTermination {
        while true {
            if let termination { return termination }
            // WNOWAIT: only look. The child is reaped under the lock `signal` takes, so a
            // signal can never reach a process that reused its PID.
            var info = siginfo_t()
            let result = reapingOrphans ? waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) : waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT)
            if result < 0 {
                if errno == EINTR { continue }
                return reap() // ECHILD: someone else reaped it
            }
            let zombie = info._sifields._sigchld.si_pid
            if !reapingOrphans || zombie == pid { return reap() }
            var status: Int32 = 0
            _ = waitpid(zombie, &status, WNOHANG)
        }
    }

    /// Collects every child that has ended, without blocking: Headroom as PID 1 on its way out.
    package static func reapEndedChildren() {
        var status: Int32 = 0
        while waitpid(-1, &status, WNOHANG) > 0 {}
    }

    /// Reaps the child (it has ended: this does not block) and publishes how it ended.
    private func reap() -> ChildTermination {
        let termination = reaped.withLock { reaped -> ChildTermination in
            if let reaped { return reaped }
            var status: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
            // ECHILD: someone else collected it (waitpid(-1) elsewhere) and its status is
            // lost; 255 is the usual "unknown".
            let termination = result == pid ? ChildTermination.decode(waitStatus: status) ?? .exited(code: 255) : .exited(code: 255)
            reaped = termination
            return termination
        }
        ended.complete(termination)
        return termination
    }

    /// Sends `signal` to the child, unless it has already been reaped.
    package func signal(_ signal: Int32) {
        reaped.withLock { reaped in
            if reaped == nil { _ = kill(pid, signal) }
        }
    }

    // MARK: - Pipes

    /// Writes all of `bytes` to `fd` (blocking), and reports whether they all went. A reader
    /// that has gone is EPIPE, not death by SIGPIPE: SIGPIPE is ignored process-wide from the
    /// first call on (children still start with it at its default).
    @discardableResult
    package static func write(_ bytes: [UInt8], to fd: Int32) -> Bool {
        _ = ignoreBrokenPipe
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return false }
            offset += count
        }
        return true
    }

    private static let ignoreBrokenPipe: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()
}
