/// The host's files as collectors see them: absolute host paths (`/proc/stat`) that an
/// implementation may map under a root (`/host/proc/stat`) or serve from memory.
public protocol SystemFiles: Sendable {
    /// The file's bytes, or nil when it does not exist. Throws `CollectorError.failed`
    /// (with the real path) when it exists but cannot be read, and `.unavailable` when the
    /// kernel refuses the operation (EOPNOTSUPP, as PSI files do when PSI is disabled).
    func read(_ path: String) throws(CollectorError) -> [UInt8]?
    /// The names in a directory, or nil when it does not exist.
    func listDirectory(_ path: String) -> [String]?
    /// Whether the path exists.
    func exists(_ path: String) -> Bool
    /// The real location of `path`, for error messages.
    func describe(_ path: String) -> String
}

extension SystemFiles {
    /// The file as UTF-8 text (invalid bytes replaced), or nil when missing.
    public func readText(_ path: String) throws(CollectorError) -> String? {
        try read(path).map { String(decoding: $0, as: UTF8.self) }
    }
}
