#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Walks the ASCII text of procfs, sysfs and cgroupfs files without building strings:
/// the parsers' shared vocabulary.
///
/// Every accessor checks its bounds and every number is scanned with overflow checks,
/// so malformed input yields nil (and the caller's `CollectorError.failed`), never a trap.
struct ByteScanner {
    let bytes: [UInt8]
    /// The next byte to look at.
    var index: Int = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static let newline: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09

    @inline(__always)
    var atEnd: Bool { index >= bytes.count }

    /// At a newline or the end of the text.
    @inline(__always)
    var atLineEnd: Bool { index >= bytes.count || bytes[index] == Self.newline }

    /// Skips spaces and tabs (not newlines).
    @inline(__always)
    mutating func skipBlanks() {
        while index < bytes.count, bytes[index] == Self.space || bytes[index] == Self.tab { index += 1 }
    }

    /// Moves past the newline the scanner is at (after reading a line's last field).
    @inline(__always)
    mutating func endLine() {
        if index < bytes.count, bytes[index] == Self.newline { index += 1 } else { skipLine() }
    }

    /// Moves past the next newline (or to the end).
    mutating func skipLine() {
        // `intr` in /proc/stat is thousands of numbers long on big machines: let memchr find its end.
        let remaining = bytes.count - index
        guard remaining > 0 else { return }
        let start = index
        let found = bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress,
                let hit = memchr(base + start, Int32(Self.newline), remaining)
            else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        index = found.map { $0 + 1 } ?? bytes.count
    }

    /// The next run of non-blank bytes on the current line, or nil at the line's end.
    @inline(__always)
    mutating func word() -> Range<Int>? {
        skipBlanks()
        let start = index
        while index < bytes.count, bytes[index] != Self.space, bytes[index] != Self.tab, bytes[index] != Self.newline { index += 1 }
        return start == index ? nil : start..<index
    }

    /// The rest of the current line (possibly empty), leaving the scanner after its newline.
    mutating func restOfLine() -> Range<Int> {
        let start = index
        while index < bytes.count, bytes[index] != Self.newline { index += 1 }
        let line = start..<index
        if index < bytes.count { index += 1 }
        return line
    }

    /// Whether the bytes in `range` spell `text`.
    @inline(__always)
    func equals(_ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount, range.lowerBound >= 0, range.upperBound <= bytes.count else { return false }
        // ASCII literals are stored as bytes; compare in place, without a closure per call.
        guard text.hasPointerRepresentation else {
            return text.withUTF8Buffer { expected in bytes[range].elementsEqual(expected) }
        }
        let expected = text.utf8Start
        var offset = 0
        for position in range {
            if bytes[position] != expected[offset] { return false }
            offset &+= 1
        }
        return true
    }

    /// Whether the bytes in `range` start with `text`.
    func hasPrefix(_ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count >= text.utf8CodeUnitCount else { return false }
        return equals(range.lowerBound..<(range.lowerBound + text.utf8CodeUnitCount), text)
    }

    /// The bytes in `range` as a string (invalid UTF-8 replaced).
    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range.clamped(to: 0..<bytes.count)], as: UTF8.self)
    }

    /// A short, printable, quoted rendering of `range` for error messages: binary junk
    /// must not put control characters into logs.
    func excerpt(_ range: Range<Int>) -> String {
        Self.excerpt(bytes[range.clamped(to: 0..<bytes.count)])
    }

    /// A short, printable, quoted rendering of some bytes for error messages.
    static func excerpt<Bytes: Collection<UInt8>>(_ bytes: Bytes, limit: Int = 40) -> String {
        var text = "\""
        for byte in bytes.prefix(limit) {
            text.unicodeScalars.append(byte >= 0x20 && byte < 0x7F && byte != 0x22 ? Unicode.Scalar(byte) : "?")
        }
        return text + (bytes.count > limit ? "…\"" : "\"")
    }

    // MARK: - Numbers

    /// A non-negative decimal integer that fits in `Int64`; nil for anything else
    /// (a sign, a fraction, a unit glued on, or a value too large).
    @inline(__always)
    func count(_ range: Range<Int>) -> Int64? {
        guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        var value: Int64 = 0
        for position in range {
            let digit = bytes[position] &- 0x30
            guard digit <= 9 else { return nil }
            let (times, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowedAgain) = times.addingReportingOverflow(Int64(digit))
            if overflowed || overflowedAgain { return nil }
            value = sum
        }
        return value
    }

    /// A decimal integer with an optional leading `-` (cgroup v1 writes `-1` for "no quota").
    func integer(_ range: Range<Int>) -> Int64? {
        guard let first = range.first, first < bytes.count else { return nil }
        if bytes[first] == 0x2D {
            return count((first + 1)..<range.upperBound).map { -$0 }
        }
        return count(range)
    }

    /// A non-negative decimal such as `12.34` (PSI and load averages); nil for anything else.
    /// Computed as `1234 / 100`, so the result is the double nearest the text, as a literal is.
    func decimal(_ range: Range<Int>) -> Double? {
        guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        guard let dot = bytes[range].firstIndex(of: 0x2E) else { return count(range).map(Double.init) }
        let fractionDigits = range.upperBound - dot - 1
        // The kernel writes "%lu.%02lu": digits on both sides of the dot.
        guard fractionDigits > 0, fractionDigits <= 18,
            let whole = count(range.lowerBound..<dot), let fraction = count((dot + 1)..<range.upperBound)
        else { return nil }
        var scale: Int64 = 1
        for _ in 0..<fractionDigits { scale &*= 10 }
        let (scaled, overflowed) = whole.multipliedReportingOverflow(by: scale)
        if !overflowed, scaled < 1 << 53, scaled + fraction < 1 << 53 {
            return Double(scaled + fraction) / Double(scale)
        }
        return Double(whole) + Double(fraction) / Double(scale)
    }

    // MARK: - Whole-file checks

    /// Kernel-generated files always end with a newline: a file that does not was cut
    /// short (a truncated copy, a half-written fixture), so its last number cannot be trusted.
    static func requireComplete(_ bytes: [UInt8], path: String) throws(CollectorError) {
        guard let last = bytes.last else { throw .failed("\(path): the file is empty") }
        guard last == newline else {
            let lineStart = (bytes.lastIndex(of: newline) ?? -1) + 1
            throw .failed("\(path): the last line \(excerpt(bytes[lineStart...])) is cut off (no newline at the end); the file was truncated")
        }
    }
}
