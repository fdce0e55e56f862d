public import HeadroomCollectors

/// A host made of strings, for table tests: host path → contents. Directories are implied
/// by the paths below them (`/sys/fs/cgroup/x/memory.max` makes `/sys/fs/cgroup/x` exist).
public struct InMemorySystemFiles: SystemFiles {
    /// Host path → file bytes.
    public var contents: [String: [UInt8]]
    /// Paths whose read the kernel refuses (EOPNOTSUPP, as PSI files with `psi=0`): `.unavailable`.
    public var unsupported: Set<String>
    /// Paths whose read fails (EACCES, EIO): `.failed`.
    public var unreadable: Set<String>
    /// The root `describe` pretends the files live under, for error-message tests.
    public let root: String

    /// Files given as text.
    public init(_ files: [String: String], unsupported: Set<String> = [], unreadable: Set<String> = [], root: String = "/") {
        self.init(bytes: files.mapValues { Array($0.utf8) }, unsupported: unsupported, unreadable: unreadable, root: root)
    }

    /// Files given as bytes (binary junk, invalid UTF-8).
    public init(bytes: [String: [UInt8]], unsupported: Set<String> = [], unreadable: Set<String> = [], root: String = "/") {
        contents = bytes
        self.unsupported = unsupported
        self.unreadable = unreadable
        self.root = root
    }

    /// The contents, or the configured refusal or failure.
    public func read(_ path: String) throws(CollectorError) -> [UInt8]? {
        if unsupported.contains(path) { throw .unavailable("\(describe(path)): Operation not supported") }
        if unreadable.contains(path) { throw .failed("cannot read \(describe(path)): Permission denied") }
        return contents[path]
    }

    /// The names one level below `path`.
    public func listDirectory(_ path: String) -> [String]? {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        var names = Set<String>()
        for key in Array(contents.keys) + unsupported + unreadable where key.hasPrefix(prefix) {
            if let name = key.dropFirst(prefix.count).split(separator: "/").first { names.insert(String(name)) }
        }
        return names.isEmpty ? nil : names.sorted()
    }

    /// A file, a refused or unreadable path, or a directory implied by them.
    public func exists(_ path: String) -> Bool {
        contents[path] != nil || unsupported.contains(path) || unreadable.contains(path) || listDirectory(path) != nil
    }

    /// `root` + `path`, as a rooted host would name it.
    public func describe(_ path: String) -> String { root == "/" ? path : root + path }
}
