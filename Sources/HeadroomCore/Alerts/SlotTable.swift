/// What each rule holds for each series: `AlertSlot`s in one pool, found through a dense
/// index per rule (series id → pool position, 4 bytes each). A lookup in the round's inner
/// loop is two array reads and a slot is mutated where it lies: no hashing, no copy. Only
/// series a rule holds state for take a slot (a slot is a few hundred bytes; most series
/// never breach most rules); freed positions are reused.
struct SlotTable: Sendable {
    /// Per rule, by series id: the slot's position in `pool`, or -1.
    private var index: [[Int32]]
    private var pool: [AlertSlot] = []
    private var free: [Int32] = []

    init(rules: Int, series: Int) {
        index = Array(repeating: Array(repeating: -1, count: series), count: rules)
    }

    /// Slots in use.
    var count: Int { pool.count - free.count }

    /// Makes room for series ids below `series` (new ids are handed out one at a time).
    mutating func reserve(series: Int) {
        for rule in index.indices where index[rule].count < series {
            index[rule] += Array(repeating: -1, count: series - index[rule].count)
        }
    }

    /// Where the rule's slot for the series lies, if it holds one.
    @inline(__always)
    func position(_ rule: Int, _ series: Int) -> Int? {
        let position = index[rule][series]
        return position >= 0 ? Int(position) : nil
    }

    /// The slot at a position from `position(_:_:)` or `insert`, read or mutated in place.
    subscript(at position: Int) -> AlertSlot {
        _read { yield pool[position] }
        _modify { yield &pool[position] }
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
        index[rule][series] = Int32(position)
        return position
    }

    /// Releases the rule's slot for the series (its trend window and alert go with it).
    mutating func remove(rule: Int, series: Int) {
        guard let position = position(rule, series) else { return }
        index[rule][series] = -1
        pool[position] = AlertSlot(timing: pool[position].machine.timing)
        free.append(Int32(position))
    }

    /// The rule's slots, by series id in ascending order.
    func entries(rule: Int) -> [(series: Int, slot: AlertSlot)] {
        index[rule].enumerated().compactMap { series, position in position >= 0 ? (series, pool[Int(position)]) : nil }
    }

    /// Every slot in use, in no particular order.
    var all: [AlertSlot] {
        var out: [AlertSlot] = []
        for positions in index { for position in positions where position >= 0 { out.append(pool[Int(position)]) } }
        return out
    }

    /// Whether any rule holds a slot for the series.
    func holdsAny(series: Int) -> Bool {
        index.contains { series < $0.count && $0[series] >= 0 }
    }
}
