/// Walks ASCII text of procfs/sysfs files without building strings: the parsers'
/// common vocabulary. Never traps on malformed input.
struct ByteScanner {
    let bytes: [UInt8]
    var index: Int = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    /// Skips spaces and tabs (not newlines).
    mutating func skipBlanks() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    }

    /// Moves past the next newline.
    mutating func skipLine() {
        while index < bytes.count, bytes[index] != 0x0A { index += 1 }
        if index < bytes.count { index += 1 }
    }

    var atLineEnd: Bool { index >= bytes.count || bytes[index] == 0x0A }

    /// The next run of non-blank bytes on the line, as a slice range.
    mutating func word() -> Range<Int>? {
        skipBlanks()
        let start = index
        while index < bytes.count, bytes[index] != 0x20, bytes[index] != 0x09, bytes[index] != 0x0A { index += 1 }
        return start == index ? nil : start..<index
    }

    /// Whether the bytes in `range` spell `text`.
    func equals(_ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        return text.withUTF8Buffer { expected in
            var offset = 0
            for position in range {
                if bytes[position] != expected[offset] { return false }
                offset += 1
            }
            return true
        }
    }

    func hasPrefix(_ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count >= text.utf8CodeUnitCount else { return false }
        return equals(range.lowerBound..<(range.lowerBound + text.utf8CodeUnitCount), text)
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// An unsigned decimal integer; nil on anything else or on overflow.
    func unsigned(_ range: Range<Int>) -> UInt64? {
        guard !range.isEmpty else { return nil }
        var value: UInt64 = 0
        for position in range {
            let byte = bytes[position]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - 0x30))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }

    /// A signed decimal integer (`-1` appears in cgroup v1 quota files).
    func signed(_ range: Range<Int>) -> Int64? {
        guard let first = range.first else { return nil }
        if bytes[first] == 0x2D {
            guard let magnitude = unsigned((first + 1)..<range.upperBound), magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard let magnitude = unsigned(range), magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// A non-negative decimal such as `12.34` (PSI averages, load averages).
    func decimal(_ range: Range<Int>) -> Double? {
        guard !range.isEmpty else { return nil }
        var whole: UInt64 = 0
        var fraction = 0.0
        var scale = 0.1
        var seenDot = false
        var digits = 0
        for position in range {
            let byte = bytes[position]
            if byte == 0x2E {
                if seenDot { return nil }
                seenDot = true
                continue
            }
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            digits += 1
            if seenDot {
                fraction += Double(byte - 0x30) * scale
                scale /= 10
            } else {
                let (times, o1) = whole.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(UInt64(byte - 0x30))
                if o1 || o2 { return nil }
                whole = sum
            }
        }
        return digits == 0 ? nil : Double(whole) + fraction
    }

    /// `key value` lines (`/proc/meminfo` style with an optional `:` after the key and
    /// an optional unit after the value): calls `body(keyRange, valueRange)` for each line
    /// until it returns false.
    static func keyValueLines(_ bytes: [UInt8], _ body: (ByteScanner, Range<Int>, Range<Int>) -> Bool) {
        var scanner = ByteScanner(bytes)
        while !scanner.atEnd {
            if let key = scanner.word() {
                var keyRange = key
                if keyRange.count > 1, bytes[keyRange.upperBound - 1] == 0x3A { keyRange = keyRange.lowerBound..<(keyRange.upperBound - 1) }
                if let value = scanner.word(), !body(scanner, keyRange, value) { return }
            }
            scanner.skipLine()
        }
    }
}
