/// What each rule holds for each series: `AlertSlot`s in one pool, found through a dense
/// index (rule × series id → pool position, 4 bytes each). A lookup in the round's inner
/// loop is one array read and a slot is read and mutated where it lies: no hashing, no copy.
/// Only series a rule holds state for take a slot (a slot is a few hundred bytes; most
/// series never breach most rules); freed positions are reused.
struct SlotTable: Sendable {
    /// Rule r's positions are `index[r * stride ..< r * stride + stride]`, by series id; -1: none.
    private var index: [Int32]
    private var stride: Int
    private let rules: Int
    private var pool: [AlertSlot] = []
    private var free: [Int32] = []

    init(rules: Int, series: Int) {
        self.rules = rules
        stride = series
        index = Array(repeating: -1, count: rules * series)
    }

    /// Slots in use.
    var count: Int { pool.count - free.count }

    /// Makes room for series ids below `series`; grows by doubling, so handing out ids one
    /// at a time costs amortised constant time.
    mutating func reserve(series: Int) {
        guard series > stride else { return }
        let wider = max(series, stride * 2, 16)
        var grown = [Int32](repeating: -1, count: rules * wider)
        for rule in 0..<rules {
            for id in 0..<stride { grown[rule * wider + id] = index[rule * stride + id] }
        }
        index = grown
        stride = wider
    }

    /// Where the rule's slot for the series lies, if it holds one.
    @inline(__always)
    func position(_ rule: Int, _ series: Int) -> Int? {
        let position = index[rule * stride + series]
        return position >= 0 ? Int(position) : nil
    }

    /// The slot at a position from `position(_:_:)` or `insert`. Reading a field through this
    /// copies the whole slot (an array's getter returns a copy): the round's loops use
    /// `update(at:_:)`, which works in place.
    subscript(at position: Int) -> AlertSlot {
        get { pool[position] }
        _modify { yield &pool[position] }
    }

    /// Runs `body` on the slot where it lies.
    @inline(__always)
    mutating func update<Result>(at position: Int, _ body: (inout AlertSlot) -> Result) -> Result {
        body(&pool[position])
    }

    /// Stores a new slot for the rule and series (which must have none); returns its position.
    @discardableResult
    mutating func insert(_ slot: AlertSlot, rule: Int, series: Int) -> Int {
        let position: Int
        if let reused = free.popLast() {
            position = Int(reused)
            pool[position] = slot
        } else {
            position = pool.count
            pool.append(slot)
        }
        index[rule * stride + series] = Int32(position)
        return position
    }

    /// Releases the rule's slot for the series (its trend window and alert go with it).
    mutating func remove(rule: Int, series: Int) {
        guard let position = position(rule, series) else { return }
        index[rule * stride + series] = -1
        pool[position] = AlertSlot(timing: pool[position].machine.timing)
        free.append(Int32(position))
    }

    /// The rule's slots, by series id in ascending order.
    func entries(rule: Int) -> [(series: Int, slot: AlertSlot)] {
        (0..<stride).compactMap { series in position(rule, series).map { (series, pool[$0]) } }
    }

    /// Whether any slot holds an alert that is active or not yet quiet: a walk over the pool
    /// alone (the index is rules × series long). A freed position holds a fresh slot, which
    /// is neither.
    var holdsActiveAlert: Bool {
        pool.contains { $0.machine.isActive || !$0.isQuiet }
    }

    /// Whether any rule holds a slot for the series.
    func holdsAny(series: Int) -> Bool {
        series < stride && (0..<rules).contains { index[$0 * stride + series] >= 0 }
    }
}
