import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One daemon per state directory: an exclusive `flock` on `<state_dir>/headroom.pid`,
/// held for the life of the process, with the holder's PID written inside so a second
/// daemon can say whom it found. The kernel releases the lock when the process dies, so a
/// crash never leaves a stale lock behind.
public final class StateDirectoryLock: Sendable {
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Creates the directory if needed (mode 0700), takes the lock and writes `pid`; the
    /// error names the directory, the key that moves it and the remedy.
    public static func acquire(directory: String, pid: Int32? = nil) -> Result<StateDirectoryLock, StartupFailure> {
        let where_ = "\(directory) (state_dir, HEADROOM_STATE_DIR)"
        if let code = makeDirectories(directory) {
            return .failure(
                StartupFailure(
                    "cannot create the state directory \(where_): \(String(cString: strerror(code))); create it writable for this user, or set state_dir to a writable directory"
                ))
        }
        let path = path(in: directory)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            return .failure(
                StartupFailure(
                    "the state directory \(where_) is not writable: \(String(cString: strerror(errno))); make it writable for this user, or set state_dir to a writable directory"
                ))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &buffer, buffer.count, 0)
            close(descriptor)
            guard code == EWOULDBLOCK else {
                return .failure(
                    StartupFailure(
                        "cannot lock \(path) (state_dir, HEADROOM_STATE_DIR): \(String(cString: strerror(code))); put state_dir on a local file system"))
            }
            let holder = String(decoding: buffer[0..<max(0, count)], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let who = Int(holder).map { "another headroom (PID \($0))" } ?? "another headroom"
            return .failure(StartupFailure("\(who) is already using the state directory \(where_); stop it, or give this daemon a state_dir of its own"))
        }
        let text = Array("\(pid ?? getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, text, text.count, 0)
        return .success(StateDirectoryLock(path: path, descriptor: descriptor))
    }

    /// The lock file of `directory`.
    public static func path(in directory: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + "headroom.pid"
    }

    /// Lets the directory go (the process exiting does the same).
    deinit { close(descriptor) }

    /// `mkdir -p` with mode 0700 for what it creates; the errno of the first failure, or nil.
    private static func makeDirectories(_ path: String) -> Int32? {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o700) != 0, errno != EEXIST { return errno }
        }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return errno }
        close(descriptor)
        return nil
    }
}
