import HeadroomTop
import Testing

@Suite("Key handling")
struct TopStateTests {
    let gpus = ["0", "1"]

    @Test("q, Q and Ctrl-C quit")
    func quit() {
        for key: TopKey in [.character("q"), .character("Q"), .interrupt] {
            var state = TopState()
            #expect(state.handle(key, gpus: gpus) == .quit)
            #expect(state.quit)
        }
    }

    @Test("s cycles memory → pid → command → gpu, each in its natural direction")
    func sortCycle() {
        var state = TopState()
        #expect(state.sort == .memory && state.descending)
        let expected: [(ProcessSort, Bool)] = [(.pid, false), (.command, false), (.gpu, false), (.memory, true)]
        for (sort, descending) in expected {
            state.handle(.character("s"), gpus: gpus)
            #expect(state.sort == sort)
            #expect(state.descending == descending)
        }
    }

    @Test("m p c g choose a column; the same key again inverts it, as i does")
    func directSort() {
        var state = TopState()
        state.handle(.character("p"), gpus: gpus)
        #expect(state.sort == .pid && !state.descending)
        state.handle(.character("p"), gpus: gpus)
        #expect(state.sort == .pid && state.descending)
        state.handle(.character("i"), gpus: gpus)
        #expect(!state.descending)
        state.handle(.character("c"), gpus: gpus)
        #expect(state.sort == .command)
    }

    @Test("Tab and → go all → 0 → 1 → all; ⇧Tab and ← go back; digits pick a GPU that exists")
    func gpuPick() {
        var state = TopState()
        var seen: [String?] = []
        for _ in 0..<3 {
            state.handle(.tab, gpus: gpus)
            seen.append(state.selectedGPU)
        }
        #expect(seen == ["0", "1", nil])
        state.handle(.left, gpus: gpus)
        #expect(state.selectedGPU == "1")
        state.handle(.character("0"), gpus: gpus)
        #expect(state.selectedGPU == "0")
        state.handle(.character("7"), gpus: gpus)
        #expect(state.selectedGPU == "0", "no GPU 7: the choice stays")
        state.handle(.escape, gpus: gpus)
        #expect(state.selectedGPU == nil)
        state.handle(.character("1"), gpus: gpus)
        state.handle(.character("a"), gpus: gpus)
        #expect(state.selectedGPU == nil)
    }

    @Test("r and + lengthen the range up to 24h then wrap; - and R shorten it; both ask for the history again")
    func range() {
        var state = TopState(range: .fiveMinutes)
        var seen: [TopRange] = []
        for _ in 0..<5 {
            #expect(state.handle(.character("r"), gpus: gpus) == .refetchHistory)
            seen.append(state.range)
        }
        #expect(seen == [.fifteenMinutes, .oneHour, .sixHours, .oneDay, .fiveMinutes])
        state.handle(.character("-"), gpus: gpus)
        #expect(state.range == .oneDay)
        state.handle(.character("+"), gpus: gpus)
        #expect(state.range == .fiveMinutes)
        #expect(TopRange(text: "1h") == .oneHour)
        #expect(TopRange(text: "1d") == .oneDay)
        #expect(TopRange(text: "2h") == nil)
    }

    @Test("? opens the help; any key but q closes it and does nothing else")
    func help() {
        var state = TopState()
        state.handle(.character("?"), gpus: gpus)
        #expect(state.showHelp)
        state.handle(.character("s"), gpus: gpus)
        #expect(!state.showHelp)
        #expect(state.sort == .memory)
        state.handle(.character("?"), gpus: gpus)
        #expect(state.handle(.character("q"), gpus: gpus) == .quit)
    }

    @Test("↑ ↓ PgUp PgDn Home scroll the processes, never above the top; changing the sort or GPU goes back to it")
    func scroll() {
        var state = TopState()
        state.handle(.down, gpus: gpus)
        state.handle(.pageDown, gpus: gpus)
        #expect(state.scroll == 11)
        state.handle(.pageUp, gpus: gpus)
        state.handle(.up, gpus: gpus)
        state.handle(.up, gpus: gpus)
        #expect(state.scroll == 0)
        state.handle(.pageDown, gpus: gpus)
        state.handle(.tab, gpus: gpus)
        #expect(state.scroll == 0)
    }

    @Test("End scrolls past the end (the shell clamps to the last page), Home back to the top; both only redraw")
    func endAndHome() {
        var state = TopState()
        #expect(state.handle(.end, gpus: gpus) == .redraw)
        #expect(state.scroll > 1_000_000)
        #expect(state.handle(.home, gpus: gpus) == .redraw)
        #expect(state == TopState())
    }

    @Test("Ctrl-Z suspends, even from the help; Ctrl-L asks for a full redraw")
    func suspend() {
        var state = TopState(showHelp: true)
        #expect(state.handle(.suspend, gpus: gpus) == .suspend)
        state.showHelp = false
        #expect(state.handle(.refresh, gpus: gpus) == .redrawAll)
        #expect(state == TopState())
    }
}
