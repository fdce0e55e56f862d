@testable import HeadroomCollectors
import Testing

@Suite("ByteScanner")
struct ByteScannerTests {
    static func scanner(_ text: String) -> ByteScanner { ByteScanner(Array(text.utf8)) }
    static func whole(_ text: String) -> Range<Int> { 0..<text.utf8.count }

    static let counts: [(text: String, value: Int64?)] = [
        ("0", 0), ("42", 42), ("9223372036854775807", .max),
        ("9223372036854775808", nil), ("18446744073709551616", nil), ("-1", nil), ("+1", nil),
        ("1.5", nil), ("12kB", nil), ("", nil), (" 1", nil), ("٣", nil),
    ]

    @Test("count: non-negative integers that fit in Int64, nothing else", arguments: counts)
    func count(text: String, value: Int64?) {
        #expect(Self.scanner(text).count(Self.whole(text)) == value)
    }

    static let integers: [(text: String, value: Int64?)] = [
        ("-1", -1), ("150000", 150_000), ("-9223372036854775807", -.max), ("-", nil), ("--1", nil), ("1-", nil),
    ]

    @Test("integer: an optional minus", arguments: integers)
    func integer(text: String, value: Int64?) {
        #expect(Self.scanner(text).integer(Self.whole(text)) == value)
    }

    static let decimals: [(text: String, value: Double?)] = [
        ("0.52", 0.52), ("12.59", 12.59), ("100.00", 100), ("3", 3), ("1024.07", 1024.07), ("0.000001", 0.000001),
        (".5", nil), ("5.", nil), ("1.2.3", nil), ("-0.5", nil), ("1e3", nil), ("nan", nil), ("inf", nil),
        ("0.1234567890123456789", nil), ("99999999999999999999.5", nil), ("", nil),
    ]

    @Test("decimal: the kernel's %lu.%02lu, exactly as a literal would be", arguments: decimals)
    func decimal(text: String, value: Double?) {
        #expect(Self.scanner(text).decimal(Self.whole(text)) == value)
    }

    @Test("words, lines and a long line skipped in one step")
    func words() {
        var scanner = Self.scanner("cpu  1\t2\nintr " + String(repeating: "0 ", count: 5000) + "\nctxt 9\n")
        #expect(scanner.word().map(scanner.string) == "cpu")
        #expect(scanner.word().map(scanner.string) == "1")
        #expect(scanner.word().map(scanner.string) == "2")
        #expect(scanner.word() == nil && scanner.atLineEnd)
        scanner.skipLine()
        #expect(scanner.word().map(scanner.string) == "intr")
        scanner.skipLine()
        #expect(scanner.word().map(scanner.string) == "ctxt")
        scanner.skipLine()
        #expect(scanner.atEnd)
        scanner.skipLine()
        #expect(scanner.atEnd)
    }

    @Test("excerpts for messages are short, quoted and printable")
    func excerpt() {
        #expect(ByteScanner.excerpt([0x41, 0x00, 0x0A, 0xFF, 0x22]) == "\"A????\"")
        #expect(ByteScanner.excerpt(Array(repeating: 0x61, count: 50)) == "\"" + String(repeating: "a", count: 40) + "…\"")
    }

    @Test("a complete file ends with a newline")
    func complete() {
        #expect(failure { () throws(CollectorError) in try ByteScanner.requireComplete([], path: "/f") } == "/f: the file is empty")
        #expect(
            failure { () throws(CollectorError) in try ByteScanner.requireComplete(Array("a\nbc".utf8), path: "/f") }?.contains("\"bc\" is cut off") == true)
        #expect(failure { () throws(CollectorError) in try ByteScanner.requireComplete(Array("a\n".utf8), path: "/f") } == nil)
    }
}
