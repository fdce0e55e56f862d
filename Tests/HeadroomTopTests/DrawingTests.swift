import HeadroomTop
import Testing

@Suite("Sparklines, bars and cells")
struct DrawingTests {
    @Test("a sparkline has one cell per slice: the slice's peak on a fixed scale, a blank where there is no data")
    func sparkline() {
        let points = (0..<8).map { TimedValue(time: Double($0), value: Double($0) * 100 / 7) }
        #expect(Sparkline.render(points, from: 0, to: 8, width: 8, floor: 0, ceiling: 100) == "▁▂▃▄▅▆▇█")
        #expect(
            Sparkline.render([TimedValue(time: 1, value: 10), TimedValue(time: 1.5, value: 80)], from: 0, to: 4, width: 4, floor: 0, ceiling: 100) == " ▇  ")
        #expect(
            Sparkline.render([TimedValue(time: 3, value: -5), TimedValue(time: 99, value: 100)], from: 0, to: 4, width: 4, floor: 0, ceiling: 100) == "   ▁")
        #expect(Sparkline.render([TimedValue(time: 3, value: 500)], from: 0, to: 4, width: 2, floor: 0, ceiling: 100) == " █")
        #expect(Sparkline.render([], from: 0, to: 4, width: 3, floor: 0, ceiling: 0) == "   ")
        #expect(Sparkline.render([], from: 0, to: 4, width: 0, floor: 0, ceiling: 100) == "")
    }

    @Test("a memory bar fills to the share, with an eighth block for the rest and the marks where it is empty")
    func memoryBar() {
        let marks = MemoryMarks(warning: 50, critical: 90)
        #expect(MemoryBar.render(fraction: 0.25, width: 12, marks: marks).plain == "[██▌░░│░░░│]")
        #expect(MemoryBar.render(fraction: 1, width: 6, marks: marks).plain == "[████]")
        #expect(MemoryBar.render(fraction: nil, width: 6, marks: marks).plain == "[    ]")
        #expect(MemoryBar.render(fraction: 0.3, width: 12, marks: MemoryMarks()).plain == "[███░░░░░░░]")
        let styles = MemoryBar.render(fraction: 0.95, width: 12, marks: marks).spans.map(\.style)
        #expect(styles.contains(.good) && styles.contains(.warning) && styles.contains(.critical))
    }

    @Test("cells: CJK counts two, a combining mark none; cutting ends in …; control characters become ?")
    func cells() {
        #expect(CellWidth.of("GPU") == 3)
        #expect(CellWidth.of("训练") == 4)
        #expect(CellWidth.of("e\u{301}") == 1)
        #expect(CellWidth.truncate("python3 -m vllm", to: 8) == "python3…")
        #expect(CellWidth.truncate("训练任务", to: 5) == "训练…")
        #expect(CellWidth.fit("42", 5, right: true) == "   42")
        #expect(CellWidth.printable("evil\u{1B}[2Jname\n") == "evil?[2Jname?")
    }

    @Test("a styled line is exactly the width asked, with colour or without")
    func styledLine() {
        var line = StyledLine("GPU ", .bold)
        line.append("NVIDIA L4 with a long name", .accent)
        #expect(line.render(width: 12, color: false) == "GPU NVIDIA …")
        #expect(line.render(width: 40, color: false).count == 40)
        let colored = line.render(width: 12, color: true)
        #expect(colored.contains("\u{1B}[1m") && colored.hasSuffix("\u{1B}[0m"))
        let bar = StyledLine("x", fill: .inverse)
        #expect(bar.render(width: 3, color: true) == "\u{1B}[7mx\u{1B}[0m\u{1B}[7m  \u{1B}[0m")
        #expect(bar.render(width: 3, color: false) == "x  ")
    }

    @Test("units: binary bytes, a pair in the larger unit, rounded percentages")
    func units() {
        #expect(Units.bytes(20_937_965_568) == "19.5 GiB")
        #expect(Units.bytes(512) == "512 B")
        #expect(Units.bytes(nil) == "—")
        #expect(Units.bytesPair(20_937_965_568, 25_769_803_776) == "19.5/24.0 GiB")
        #expect(Units.bytesPair(536_870_912, 85_899_345_920) == "0.5/80.0 GiB")
        #expect(Units.percent(81.25) == "81%")
        #expect([45, 720, 11_520, 360_000].map { Units.duration($0) } == ["45s", "12m", "3h12m", "4d4h"])
    }
}
