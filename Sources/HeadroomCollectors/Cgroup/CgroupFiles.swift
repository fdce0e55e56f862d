/// Pure parsers of the small cgroup interface files (v1 and v2). Each takes the file's
/// bytes and its real path, and throws `.failed` naming the path and what was wrong.
public enum CgroupFiles {
    /// cgroup v1 writes "no limit" as the largest page-aligned counter value
    /// (9223372036854771712 with 4 KiB pages, a little less with 64 KiB pages).
    public static let unlimitedThreshold: Int64 = 1 << 62

    /// A file holding one non-negative number: `memory.current`, `memory.usage_in_bytes`,
    /// `memory.limit_in_bytes`, `cpuacct.usage`, `cpu.cfs_period_us`, `pids.current`.
    public static func count(_ bytes: [UInt8], path: String) throws(CollectorError) -> Int64 {
        let (scanner, word) = try single(bytes, path: path)
        guard let value = scanner.count(word) else {
            throw .failed("\(path): expected a non-negative integer below 2^63, got \(scanner.excerpt(word))")
        }
        return value
    }

    /// A limit: a non-negative number, or `max` for none (v2 `memory.max`, `pids.max`), returned as nil.
    public static func limit(_ bytes: [UInt8], path: String) throws(CollectorError) -> Int64? {
        let (scanner, word) = try single(bytes, path: path)
        if scanner.equals(word, "max") { return nil }
        guard let value = scanner.count(word) else {
            throw .failed("\(path): expected a non-negative integer or \"max\", got \(scanner.excerpt(word))")
        }
        return value
    }

    /// v1 `cpu.cfs_quota_us`: microseconds of CPU per period, or `-1` for none (returned as nil).
    public static func quota(_ bytes: [UInt8], path: String) throws(CollectorError) -> Int64? {
        let (scanner, word) = try single(bytes, path: path)
        guard let value = scanner.integer(word), value >= -1 else {
            throw .failed("\(path): expected a quota in microseconds or -1 (no quota), got \(scanner.excerpt(word))")
        }
        return value == -1 ? nil : value
    }

    /// v2 `cpu.max`: `max 100000` (no quota: nil) or `50000 100000`, quota and period in µs.
    public static func cpuMax(_ bytes: [UInt8], path: String) throws(CollectorError) -> (quota: Int64?, period: Int64) {
        try ByteScanner.requireComplete(bytes, path: path)
        var scanner = ByteScanner(bytes)
        guard let first = scanner.word(), let second = scanner.word(), scanner.word() == nil,
            let period = scanner.count(second), period > 0
        else {
            throw .failed("\(path): expected \"<quota|max> <period>\" in microseconds, got \(ByteScanner.excerpt(bytes))")
        }
        try expectEnd(&scanner, path: path)
        if scanner.equals(first, "max") { return (nil, period) }
        guard let quota = scanner.count(first) else {
            throw .failed("\(path): the quota \(scanner.excerpt(first)) is neither a number of microseconds nor \"max\"")
        }
        return (quota, period)
    }

    /// A flat-keyed file (`memory.stat`, `cpu.stat`, `memory.events`, `memory.oom_control`):
    /// one `key value` per line, every value a non-negative integer. Returns the values of
    /// `keys`, in order, nil for those absent. Every line is checked, not only the wanted
    /// ones, so a garbled file fails instead of silently losing a value.
    public static func values(_ bytes: [UInt8], keys: [StaticString], path: String) throws(CollectorError) -> [Int64?] {
        try ByteScanner.requireComplete(bytes, path: path)
        var found = [Int64?](filled: nil, count: keys.count)
        var scanner = ByteScanner(bytes)
        var lineNumber = 0
        var sawLine = false
        while !scanner.atEnd {
            lineNumber += 1
            guard let key = scanner.word() else {
                scanner.skipLine()
                continue
            }
            guard let field = scanner.word(), let value = scanner.count(field), scanner.atLineEnd else {
                throw .failed(
                    "\(path): line \(lineNumber): expected \"key value\" with a non-negative integer value, got \(scanner.excerpt(key.lowerBound..<min(key.lowerBound + 60, scanner.bytes.count)))"
                )
            }
            sawLine = true
            for index in keys.indices where scanner.equals(key, keys[index]) {
                found[index] = value
            }
            scanner.endLine()
        }
        guard sawLine else { throw .failed("\(path): no \"key value\" lines") }
        return found
    }

    // MARK: - Helpers

    /// The only word of a one-value file, after checking it is complete and has nothing else.
    private static func single(_ bytes: [UInt8], path: String) throws(CollectorError) -> (ByteScanner, Range<Int>) {
        try ByteScanner.requireComplete(bytes, path: path)
        var scanner = ByteScanner(bytes)
        guard let word = scanner.word() else { throw .failed("\(path): expected one value, found a blank line") }
        if let extra = scanner.word() {
            throw .failed("\(path): expected one value, found \(scanner.excerpt(word)) followed by \(scanner.excerpt(extra))")
        }
        try expectEnd(&scanner, path: path)
        return (scanner, word)
    }

    /// Only blank lines may follow.
    private static func expectEnd(_ scanner: inout ByteScanner, path: String) throws(CollectorError) {
        scanner.skipLine()
        while !scanner.atEnd {
            if let extra = scanner.word() { throw .failed("\(path): expected one line, found more: \(scanner.excerpt(extra))") }
            scanner.skipLine()
        }
    }
}
