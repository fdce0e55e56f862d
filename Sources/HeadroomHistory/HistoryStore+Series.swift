import HeadroomCore

/// The series a store knows: in memory those with an open chunk (by key and by row id), in
/// the file every series ever recorded (`series` and `series_labels`).
extension HistoryStore {
    func addSeries(_ key: SeriesKey, id: Int64) {
        slotsByKey[key] = series.count
        slotsByID[id] = series.count
        series.append(Series(key: key, id: id, quantized: HistoryPrecision.quantizes(metric: key.name)))
    }

    /// The slot of each key. Series not in memory are looked up in the file or entered in it,
    /// all in one transaction (a round of new series is one commit), and join memory once it
    /// has committed.
    func slots(for keys: [SeriesKey]) throws(HistoryError) -> [Int] {
        var slots = keys.map { slotsByKey[$0] ?? -1 }
        guard slots.contains(-1) else { return slots }
        var found: [SeriesKey: Int64] = [:]
        try database.transaction { () throws(HistoryError) in
            for index in keys.indices where slots[index] < 0 && found[keys[index]] == nil {
                let key = keys[index]
                if let id = try storedID(of: key) {
                    found[key] = id
                    continue
                }
                try database.run("INSERT INTO series (name, key) VALUES (?, ?)", [.text(key.name), .text(Self.text(key))])
                let id = database.lastInsertedID
                for pair in key.labels.pairs {
                    try database.run("INSERT INTO series_labels (series, name, value) VALUES (?, ?, ?)", [.integer(id), .text(pair.name), .text(pair.value)])
                }
                found[key] = id
            }
        }
        for index in keys.indices where slots[index] < 0 {
            if let slot = slotsByKey[keys[index]] {
                slots[index] = slot
            } else if let id = found[keys[index]] {
                addSeries(keys[index], id: id)
                slots[index] = series.count - 1
            }
        }
        return slots
    }

    /// The row of a series, in memory or in the file; nil when it was never recorded.
    func id(of key: SeriesKey) throws(HistoryError) -> Int64? {
        if let slot = slotsByKey[key] { return series[slot].id }
        return try storedID(of: key)
    }

    /// The row of a series not in memory, by its key.
    func storedID(of key: SeriesKey) throws(HistoryError) -> Int64? {
        var id: Int64?
        try database.run("SELECT id FROM series WHERE key = ?", [.text(Self.text(key))]) { row in id = row.integer(0) }
        return id
    }

    /// A series' key as the `key` column holds it: the name, then the labels as
    /// `HistoryStore+Events` encodes them.
    static func text(_ key: SeriesKey) -> String {
        key.name + "\u{1D}" + encode(key.labels)
    }

    /// The keys of the rows `ids` (all rows when nil).
    static func keys(_ database: SQLiteConnection, ids: [Int64]?) throws(HistoryError) -> [(id: Int64, key: SeriesKey)] {
        var names: [Int64: String] = [:]
        var labels: [Int64: [(String, String)]] = [:]
        if let ids {
            guard !ids.isEmpty else { return [] }
            for id in Set(ids) {
                try database.run("SELECT name FROM series WHERE id = ?", [.integer(id)]) { row in names[id] = row.text(0) }
                try database.run("SELECT name, value FROM series_labels WHERE series = ?", [.integer(id)]) { row in
                    labels[id, default: []].append((row.text(0), row.text(1)))
                }
            }
        } else {
            try database.run("SELECT id, name FROM series") { row in names[row.integer(0)] = row.text(1) }
            try database.run("SELECT series, name, value FROM series_labels") { row in
                labels[row.integer(0), default: []].append((row.text(1), row.text(2)))
            }
        }
        return names.keys.sorted().map { id in (id, SeriesKey(names[id]!, Labels(labels[id] ?? []))) }
    }

    /// Forgets, in memory, the series whose chunk was closed and logged (the file keeps them).
    func forgetIdleSeries() {
        let kept = series.filter { $0.chunk.count > 0 || $0.restarted }
        guard kept.count < series.count else { return }
        replaceSeries(kept)
    }

    /// Rebuilds the in-memory tables from `kept`.
    func replaceSeries(_ kept: [Series]) {
        series = []
        slotsByKey = [:]
        slotsByID = [:]
        layout = nil
        layoutSlots = []
        for entry in kept {
            addSeries(entry.key, id: entry.id)
            series[series.count - 1] = entry
        }
    }
}
