import HeadroomTop
import Testing

@Suite("Key decoding")
struct TopKeyTests {
    @Test("letters, digits, Tab, Enter, Ctrl-C, Ctrl-Z and Ctrl-L")
    func plain() {
        #expect(TopKey.decode(Array("q1s".utf8)) == [.character("q"), .character("1"), .character("s")])
        // Enter does nothing in the view: dropped.
        #expect(TopKey.decode([0x09, 0x0D, 0x03, 0x1A, 0x0C]) == [.tab, .interrupt, .suspend, .refresh])
    }

    @Test("arrows in both cursor modes, shift-Tab, paging, Home and End")
    func sequences() {
        #expect(TopKey.decode([0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x42, 0x1B, 0x4F, 0x43, 0x1B, 0x4F, 0x44]) == [.up, .down, .right, .left])
        #expect(TopKey.decode(Array("\u{1B}[Z\u{1B}[5~\u{1B}[6~\u{1B}[H\u{1B}[1~".utf8)) == [.backTab, .pageUp, .pageDown, .home, .home])
        // xterm (CSI and SS3 forms), the VT220 and rxvt codes.
        #expect(TopKey.decode(Array("\u{1B}OH\u{1B}[7~".utf8)) == [.home, .home])
        #expect(TopKey.decode(Array("\u{1B}[F\u{1B}OF\u{1B}[4~\u{1B}[8~".utf8)) == [.end, .end, .end, .end])
    }

    @Test("a lone Escape is a key; an unknown sequence is dropped whole, the keys around it kept")
    func unknown() {
        #expect(TopKey.decode([0x1B]) == [.escape])
        #expect(TopKey.decode(Array("a\u{1B}[15;2~b".utf8)) == [.character("a"), .character("b")])
        #expect(TopKey.decode([0x80, 0xFF, 0x7F]).isEmpty)
    }
}
