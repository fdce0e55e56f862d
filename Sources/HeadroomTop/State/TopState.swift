/// What the person at the terminal chose: the view's whole mutable state, changed only by
/// `handle(_:gpus:)`, so every key's effect is a pure, tested function.
public struct TopState: Sendable, Hashable {
    public var sort: ProcessSort
    /// Largest first (memory) or Z–A; `i` inverts the column's natural direction.
    public var descending: Bool
    /// The GPU (its `gpu` label) whose processes are listed, or nil for every GPU.
    public var selectedGPU: String?
    public var range: TopRange
    /// The first process row shown (the list scrolls with ↑ ↓ PgUp PgDn Home End).
    public var scroll: Int
    public var showHelp: Bool
    public var quit: Bool

    public init(
        sort: ProcessSort = .memory, descending: Bool? = nil, selectedGPU: String? = nil, range: TopRange = .fifteenMinutes,
        scroll: Int = 0, showHelp: Bool = false, quit: Bool = false
    ) {
        self.sort = sort
        self.descending = descending ?? sort.descendingByDefault
        self.selectedGPU = selectedGPU
        self.range = range
        self.scroll = scroll
        self.showHelp = showHelp
        self.quit = quit
    }

    /// What changed that the shell must act on beyond a redraw.
    public enum Effect: Sendable, Hashable {
        /// Only the picture changes.
        case redraw
        /// The range changed: fetch the history again.
        case refetchHistory
        /// Ctrl-Z: give the terminal back and stop until continued.
        case suspend
        /// Ctrl-L: clear and draw everything.
        case redrawAll
        case quit
    }

    /// Applies one key. `gpus` are the `gpu` labels on screen, in order: the GPU keys
    /// cycle through them and "all".
    @discardableResult
    public mutating func handle(_ key: TopKey, gpus: [String]) -> Effect {
        if showHelp, key != .character("q"), key != .interrupt, key != .suspend {
            // Any key closes the help; it does nothing else.
            showHelp = false
            return .redraw
        }
        switch key {
        case .character("q"), .character("Q"), .interrupt:
            quit = true
            return .quit
        case .suspend:
            return .suspend
        case .refresh:
            return .redrawAll
        case .character("?"), .character("h"):
            showHelp = true
        case .character("s"): choose(sort.next)
        case .character("m"): choose(.memory)
        case .character("p"): choose(.pid)
        case .character("c"): choose(.command)
        case .character("g"): choose(.gpu)
        case .character("i"), .character("I"):
            descending.toggle()
        case .character("a"):
            selectGPU(nil)
        case .character(let digit) where digit.isASCII && digit.isNumber:
            if gpus.contains(String(digit)) { selectGPU(String(digit)) }
        case .tab, .right:
            selectGPU(step(gpus, by: 1))
        case .backTab, .left:
            selectGPU(step(gpus, by: -1))
        case .character("r"), .character("+"), .character("="):
            range = range.next
            return .refetchHistory
        case .character("R"), .character("-"), .character("_"):
            range = range.previous
            return .refetchHistory
        case .down: scroll += 1
        case .up: scroll = max(0, scroll - 1)
        case .pageDown: scroll += 10
        case .pageUp: scroll = max(0, scroll - 10)
        case .home: scroll = 0
        // Past the end: the layout shows the last process on the last row, and the shell
        // clamps the scroll to that before the next key.
        case .end: scroll = Int(Int32.max)
        case .escape: selectGPU(nil)
        default: break
        }
        return .redraw
    }

    private mutating func choose(_ column: ProcessSort) {
        if column == sort {
            descending.toggle()
        } else {
            sort = column
            descending = column.descendingByDefault
        }
        scroll = 0
    }

    private mutating func selectGPU(_ gpu: String?) {
        selectedGPU = gpu
        scroll = 0
    }

    /// The choice `offset` steps from the current one in [all, gpus…], wrapping.
    private func step(_ gpus: [String], by offset: Int) -> String? {
        let choices: [String?] = [nil] + gpus.map { Optional($0) }
        let current = choices.firstIndex(of: selectedGPU) ?? 0
        return choices[(current + offset + choices.count) % choices.count]
    }
}
