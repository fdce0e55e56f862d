/// The host's files as collectors see them: the one I/O seam of `HeadroomCollectors`
/// (modelled on swift-configuration's `CommonProviderFileSystem`).
///
/// Paths are absolute host paths (`/proc/stat`, `/sys/fs/cgroup/memory.max`); an
/// implementation may resolve them under a root (`/host/proc/stat`) or serve them from memory.
///
/// Implementation requirements:
/// - Safe to call from several threads at once (collectors run concurrently).
/// - `read` returns the whole current content each call (procfs files change between
///   reads), nil when the file does not exist, and never caches a "missing" answer for
///   long: files appear (a cgroup is created, a controller is enabled).
/// - Errors name the real path (`describe`) and say what to do about them.
public protocol SystemFiles: Sendable {
    /// The file's bytes, or nil when it does not exist. Throws `CollectorError.failed` when
    /// it exists but cannot be read, and `.unavailable` when the kernel refuses the
    /// operation (EOPNOTSUPP, as PSI files do on a kernel booted with `psi=0`).
    func read(_ path: String) throws(CollectorError) -> [UInt8]?
    /// The file's bytes to its end, for the files the kernel hands over one page of records
    /// per read (`/proc/self/mountinfo`, `/proc/*/smaps`, `/proc/*/maps`: a single read of
    /// those stops after about 4 KiB however large the buffer). Read once, not every round:
    /// it costs a read per page and an open and a close. Nil and errors as `read`.
    func readEntire(_ path: String) throws(CollectorError) -> [UInt8]?
    /// The names in a directory (without `.` and `..`, sorted), or nil when it does not exist.
    func listDirectory(_ path: String) -> [String]?
    /// Whether the path exists (file or directory).
    func exists(_ path: String) -> Bool
    /// The real location of `path` (`/host/proc/stat`), for error messages.
    func describe(_ path: String) -> String
}

extension SystemFiles {
    /// Files served from memory or fixtures are whole on every read.
    public func readEntire(_ path: String) throws(CollectorError) -> [UInt8]? {
        try read(path)
    }

    /// The file as UTF-8 text (invalid bytes replaced), or nil when it does not exist.
    public func readText(_ path: String) throws(CollectorError) -> String? {
        try read(path).map { String(decoding: $0, as: UTF8.self) }
    }
}
