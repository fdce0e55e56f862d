import HeadroomCore
import Testing

@Suite("Text escaping")
struct TextEscapingTests {
    static let awkward = "a\"b\\c\nd\te\r,f=g h\u{1B}i\u{7F}j\u{2028}k\u{FEFF}l<&>"

    @Test(
        "each format escapes exactly its own set",
        arguments: [
            (TextEscaping.Format.json, #"a\"b\\c\nd\te\r,f=g h\u001bi"# + "\u{7F}" + #"j\u2028k"# + "\u{FEFF}l<&>"),
            (.yaml, #"a\"b\\c\nd\te\r,f=g h\x1Bi\x7Fj\u2028k\uFEFFl<&>"#),
            (.prometheusLabel, #"a\"b\\c\nd"# + "\te\r,f=g h\u{1B}i\u{7F}j\u{2028}k\u{FEFF}l<&>"),
            (.prometheusHelp, #"a"b\\c\nd"# + "\te\r,f=g h\u{1B}i\u{7F}j\u{2028}k\u{FEFF}l<&>"),
            (.selector, #"a\"b\\c\nd\te"# + "\r,f=g h\u{1B}i\u{7F}j\u{2028}k\u{FEFF}l<&>"),
            (.influxKey, #"a"b\\c\ d"# + "\te\r" + #"\,f\=g\ h"# + "\u{1B}i\u{7F}j\u{2028}k\u{FEFF}l<&>"),
        ])
    func formats(format: TextEscaping.Format, expected: String) {
        #expect(TextEscaping.escaped(Self.awkward, format) == expected)
        #expect(TextEscaping.quoted("plain", format) == "\"plain\"")
    }

    @Test("percent-encoding keeps only RFC 3986's unreserved characters, byte by byte of the UTF-8")
    func percent() {
        #expect(TextEscaping.percentEncoded("Az09-._~") == "Az09-._~")
        #expect(TextEscaping.percentEncoded("a+b/c=d e&f?") == "a%2Bb%2Fc%3Dd%20e%26f%3F")
        #expect(TextEscaping.percentEncoded("{__name__=~\"x\"}") == "%7B__name__%3D~%22x%22%7D")
        #expect(TextEscaping.percentEncoded("é\n") == "%C3%A9%0A")
    }

    @Test("markup: &, <, > always, the double quote only for attributes")
    func markup() {
        #expect(TextEscaping.markup(#"<b>"x" & y</b>"#, quotes: false) == #"&lt;b&gt;"x" &amp; y&lt;/b&gt;"#)
        #expect(TextEscaping.markup(#"<b>"x" & y</b>"#, quotes: true) == "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;")
        #expect(TextEscaping.markup("GPU 0 at 95 %", quotes: true) == "GPU 0 at 95 %")
    }
}
