public import HeadroomCollectors

/// A host made of strings, for table tests: path → contents. Directories are implied by
/// the paths below them.
public struct InMemorySystemFiles: SystemFiles {
    public var files: [String: String]
    /// Paths whose read fails as the kernel would refuse it (EOPNOTSUPP).
    public var unsupported: Set<String>
    private let root: String

    public init(_ files: [String: String], unsupported: Set<String> = [], root: String = "/") {
        self.files = files
        self.unsupported = unsupported
        self.root = root
    }

    public func read(_ path: String) throws(CollectorError) -> [UInt8]? {
        if unsupported.contains(path) { throw .unavailable("\(describe(path)): Operation not supported") }
        return files[path].map { Array($0.utf8) }
    }

    public func listDirectory(_ path: String) -> [String]? {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        let names = Set(files.keys.filter { $0.hasPrefix(prefix) }.compactMap { $0.dropFirst(prefix.count).split(separator: "/").first.map(String.init) })
        return names.isEmpty ? nil : names.sorted()
    }

    public func exists(_ path: String) -> Bool {
        files[path] != nil || unsupported.contains(path) || listDirectory(path) != nil
    }

    public func describe(_ path: String) -> String { root == "/" ? path : root + path }
}
