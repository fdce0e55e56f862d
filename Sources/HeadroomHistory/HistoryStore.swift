public import Foundation
public import HeadroomCore

/// The recorded past of every series the rules see: each series' samples in compressed
/// chunks (`SampleChunk`: about 2 bits a steady sample) in one SQLite file.
///
/// A round's samples go into the series' open chunk in memory; `flush()` writes every chunk
/// that changed in one transaction (a SQLite commit in write-ahead-log mode: after a crash of
/// the process, everything flushed reads back and at most what came after the last flush is
/// lost). A chunk closes at `samplesPerChunk` samples or when it spans `chunkSpan`; the next
/// sample starts a new row. A series that stops reporting leaves memory at the flush after its chunk closes.
///
/// Not thread-safe: one thread (the daemon's history writer, a backtest) uses a store at a time.
public final class HistoryStore {
    /// How much time one chunk row covers at most.
    public static let chunkSpan: Int64 = 2 * 3600 * 1000
    /// Samples per chunk by default: 30 minutes at the default 5 s interval. Fewer cost a row's
    /// overhead more often; more keep more of each series in memory (BENCHMARKS.md).
    public static let defaultSamplesPerChunk = 360
    private let samplesPerChunk: Int

    private struct Open {
        var series: Int64
        var chunk = SampleChunk()
        var first: Int64
        /// The chunk's row once written; nil before its first flush.
        var row: Int64?
        var dirty = true
    }

    let database: SQLiteConnection
    private var seriesIDs: [SeriesKey: Int64] = [:]
    private var open: [SeriesKey: Open] = [:]
    /// The newest sample time appended, in milliseconds.
    private var newest: Int64 = .min

    public init(path: String, samplesPerChunk: Int = HistoryStore.defaultSamplesPerChunk) throws(HistoryError) {
        self.samplesPerChunk = min(max(samplesPerChunk, 2), SampleChunk.capacity)
        database = try SQLiteConnection(path: path)
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS series_labels (
                series INTEGER NOT NULL REFERENCES series(id), name TEXT NOT NULL, value TEXT NOT NULL,
                PRIMARY KEY (series, name)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS chunks (
                id INTEGER PRIMARY KEY, series INTEGER NOT NULL REFERENCES series(id),
                first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL, samples INTEGER NOT NULL, data BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS chunks_by_series_time ON chunks (series, last_ms);
            """)
        try database.execute(Self.eventSchema)
        var names: [Int64: String] = [:]
        var labels: [Int64: [(String, String)]] = [:]
        try database.run("SELECT id, name FROM series") { row in names[row.integer(0)] = row.text(1) }
        try database.run("SELECT series, name, value FROM series_labels") { row in
            labels[row.integer(0), default: []].append((row.text(1), row.text(2)))
        }
        for (id, name) in names { seriesIDs[SeriesKey(name, Labels(labels[id] ?? []))] = id }
    }

    /// Every series recorded, in no particular order.
    public var seriesKeys: [SeriesKey] { Array(seriesIDs.keys) }

    /// Appends one round's samples at `time` (in memory until `flush()`). A sample older than
    /// its series' last one is dropped: a series' history only moves forward.
    public func append(_ samples: [Sample], at time: Date) throws(HistoryError) {
        let milliseconds = Int64((time.timeIntervalSince1970 * 1000).rounded())
        newest = max(newest, milliseconds)
        for sample in samples {
            let key = sample.key
            if var current = open[key] {
                guard let last = current.chunk.lastTimestamp, milliseconds >= last else { continue }
                if current.chunk.count >= samplesPerChunk || milliseconds - current.first >= Self.chunkSpan {
                    if current.dirty { try write(&current) }
                    current = Open(series: current.series, first: milliseconds)
                }
                current.chunk.append(time: milliseconds, value: sample.value)
                current.dirty = true
                open[key] = current
            } else {
                var current = Open(series: try seriesID(key), first: milliseconds)
                current.chunk.append(time: milliseconds, value: sample.value)
                open[key] = current
            }
        }
    }

    /// Writes every changed chunk in one transaction, then forgets the open chunks of series
    /// that have not reported for a whole `chunkSpan`.
    public func flush() throws(HistoryError) {
        try database.transaction { () throws(HistoryError) in
            for key in Array(open.keys) {
                guard var current = open[key], current.dirty else { continue }
                try write(&current)
                open[key] = current
            }
        }
        open = open.filter { ($0.value.chunk.lastTimestamp ?? .min) > newest - Self.chunkSpan }
    }

    /// The samples of one series from `from` to `to` (milliseconds, both included), oldest
    /// first, flushed or not.
    public func samples(of key: SeriesKey, from: Int64, to: Int64) throws(HistoryError) -> [(time: Int64, value: Double)] {
        guard let series = seriesIDs[key] else { return [] }
        let current = open[key]
        var chunks: [[UInt8]] = []
        try database.run(
            "SELECT id, data FROM chunks WHERE series = ? AND last_ms >= ? AND first_ms <= ? ORDER BY first_ms, id",
            [.integer(series), .integer(from), .integer(to)]
        ) { row throws(HistoryError) in
            guard row.integer(0) != current?.row else { return }
            chunks.append(row.blob(1))
        }
        if let current { chunks.append(current.chunk.bytes) }
        var samples: [(time: Int64, value: Double)] = []
        for bytes in chunks {
            guard let decoded = SampleChunk.decode(bytes) else {
                throw HistoryError(path: database.path, reason: "a chunk of \(key) does not decode; the file is damaged")
            }
            samples += decoded.filter { $0.time >= from && $0.time <= to }
        }
        return samples
    }

    /// Bytes the database's files take (the main file and its write-ahead log).
    public var fileBytes: Int {
        [database.path, database.path + "-wal"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        }
    }

    /// Deletes the chunks that end before `cutoff` (milliseconds); returns how many.
    @discardableResult
    public func deleteChunks(endingBefore cutoff: Int64) throws(HistoryError) -> Int {
        var deleted = 0
        try database.run("SELECT count(*) FROM chunks WHERE last_ms < ?", [.integer(cutoff)]) { row in deleted = Int(row.integer(0)) }
        try database.run("DELETE FROM chunks WHERE last_ms < ?", [.integer(cutoff)])
        return deleted
    }

    private func seriesID(_ key: SeriesKey) throws(HistoryError) -> Int64 {
        if let id = seriesIDs[key] { return id }
        var id: Int64 = 0
        try database.transaction { () throws(HistoryError) in
            try database.run("INSERT INTO series (name) VALUES (?)", [.text(key.name)])
            id = database.lastInsertedID
            for pair in key.labels.pairs {
                try database.run("INSERT INTO series_labels (series, name, value) VALUES (?, ?, ?)", [.integer(id), .text(pair.name), .text(pair.value)])
            }
        }
        seriesIDs[key] = id
        return id
    }

    private func write(_ current: inout Open) throws(HistoryError) {
        let last = current.chunk.lastTimestamp ?? current.first
        let values: [SQLValue] = [.integer(last), .integer(Int64(current.chunk.count)), .blob(current.chunk.bytes)]
        if let row = current.row {
            try database.run("UPDATE chunks SET last_ms = ?, samples = ?, data = ? WHERE id = ?", values + [.integer(row)])
        } else {
            try database.run(
                "INSERT INTO chunks (series, first_ms, last_ms, samples, data) VALUES (?, ?, ?, ?, ?)",
                [.integer(current.series), .integer(current.first)] + values)
            current.row = database.lastInsertedID
        }
        current.dirty = false
    }
}
