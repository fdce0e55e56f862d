public import Foundation
public import HeadroomCore

/// The recorded past of every series the rules see: each series' samples in compressed
/// chunks (`SampleChunk`: decimal mantissas and regular timestamps; under 1.5 bytes a sample on
/// a GPU node, BENCHMARKS.md) in one SQLite file. Percentages are stored to the thousandth
/// by `HistoryPrecision`'s rule, which no threshold of two decimals can tell; every other
/// value reads back exactly.
///
/// A round's samples go into the series' open chunk in memory. A chunk closes at
/// `samplesPerChunk` samples or when it spans `chunkSpan`, and is written once, sealed, as its
/// own row. `flush()` writes the chunks closed since the last flush and what the open chunks
/// gained (one row) in one transaction: a SQLite commit in write-ahead-log mode, so after a
/// crash of the process everything flushed reads back and at most what came after the last
/// flush is lost. A series that stops reporting has its chunk closed at the first flush
/// `idleAfter` after its last sample, and leaves memory then: memory holds the series that are
/// alive, the file every series (looked up by its key when it comes back). The head is written whole every 30 flushes; the
/// flushes between add a row (`head_log`) with only the samples since the one before.
///
/// `prune(before:maxBytes:)` bounds the file by age and by size.
///
/// Not thread-safe: one thread (the daemon's history writer, a backtest) uses a store at a time.
public final class HistoryStore {
    /// How much time one chunk row covers at most.
    public static let chunkSpan: Int64 = 2 * 3600 * 1000
    /// Samples per chunk by default: 30 minutes at the default 5 s interval. Fewer cost a row's
    /// overhead more often; more keep more of each series in memory (BENCHMARKS.md).
    public static let defaultSamplesPerChunk = 360
    /// The file format this store writes (`PRAGMA user_version`).
    static let formatVersion: Int64 = 3
    private let samplesPerChunk: Int
    /// How long a series may go without a sample before its chunk is closed and it leaves
    /// memory (milliseconds; the daemon passes `alerting.stale_after`).
    public var idleAfter: Int64 = 300_000

    /// One series this store knows: its row and its open chunk (empty when it has none).
    struct Series {
        var key: SeriesKey
        var id: Int64
        /// Whether values are stored by `HistoryPrecision.percent`.
        var quantized: Bool
        var chunk = SampleChunk()
        /// Samples of the open chunk not yet in the head or its log (as stored).
        var unloggedTimes: [Int64] = []
        var unloggedValues: [Double] = []
        /// Whether the chunk the head or its log holds for this series was closed since.
        var restarted = false
    }

    /// A chunk closed since the last flush.
    private struct Sealed {
        var series: Int64
        var first: Int64
        var last: Int64
        var count: Int
        var bytes: [UInt8]
    }

    let database: SQLiteConnection
    private var series: [Series] = []
    private var slotsByKey: [SeriesKey: Int] = [:]
    private var slotsByID: [Int64: Int] = [:]
    /// The previous round's series in order, and their slots: a round in the same order finds
    /// each sample's series by comparing keys, without hashing them.
    private var roundKeys: [SeriesKey] = []
    private var roundSlots: [Int] = []
    private var sealed: [Sealed] = []
    /// Whether an open chunk changed since the head was written.
    private var headChanged = false
    /// Rows in `head_log` since the head was last written whole.
    private var logRows = 0
    /// The log is folded into the head after this many flushes.
    static let logRowsBeforeCompaction = 30
    /// The newest sample time appended, in milliseconds.
    private var newest: Int64 = .min

    public init(path: String, samplesPerChunk: Int = HistoryStore.defaultSamplesPerChunk) throws(HistoryError) {
        self.samplesPerChunk = min(max(samplesPerChunk, 2), SampleChunk.capacity)
        database = try SQLiteConnection(path: path)
        // A checkpoint every 64 pages (256 KiB) of log, and the log cut back to that after it:
        // SQLite's default lets the log reach 4 MiB, as much as a node's whole day of history.
        try database.execute("PRAGMA wal_autocheckpoint=64")
        try database.execute("PRAGMA journal_size_limit=262144")
        let version = try database.integer("PRAGMA user_version")
        if version == 0 {
            guard try database.integer("SELECT count(*) FROM sqlite_master") == 0 else {
                throw HistoryError(path: path, reason: "written by an earlier development build of Headroom; delete the file to start a new history")
            }
            // Freed pages go back to the file system at `prune` (only settable before the first table).
            try database.execute("PRAGMA auto_vacuum=INCREMENTAL")
            try database.execute(
                """
                CREATE TABLE series (id INTEGER PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL UNIQUE);
                CREATE TABLE series_labels (
                    series INTEGER NOT NULL REFERENCES series(id), name TEXT NOT NULL, value TEXT NOT NULL,
                    PRIMARY KEY (series, name)) WITHOUT ROWID;
                CREATE TABLE chunks (
                    id INTEGER PRIMARY KEY, series INTEGER NOT NULL REFERENCES series(id),
                    first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL, samples INTEGER NOT NULL, data BLOB NOT NULL);
                CREATE INDEX chunks_by_series_time ON chunks (series, last_ms);
                CREATE TABLE head (id INTEGER PRIMARY KEY CHECK (id = 1), data BLOB NOT NULL);
                CREATE TABLE head_log (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
                PRAGMA user_version = \(Self.formatVersion);
                """)
        } else if version != Self.formatVersion {
            throw HistoryError(path: path, reason: "file format \(version), this build reads \(Self.formatVersion); delete the file or use a matching build")
        }
        try database.execute(Self.eventSchema)
        var head: [UInt8] = []
        try database.run("SELECT data FROM head WHERE id = 1") { row in head = row.blob(0) }
        var logs: [[UInt8]] = []
        try database.run("SELECT data FROM head_log ORDER BY id") { row in logs.append(row.blob(0)) }
        // Only the series with an open chunk come into memory.
        for (id, key) in try Self.keys(database, ids: Self.seriesIDs(inHead: head) + logs.flatMap(Self.seriesIDs(inLog:))) {
            addSeries(key, id: id)
        }
        try restoreHead(head)
        for log in logs { try replayLog(log) }
        logRows = logs.count
    }

    /// Every series recorded, in no particular order.
    public func seriesKeys() throws(HistoryError) -> [SeriesKey] {
        try Self.keys(database, ids: nil).map(\.key)
    }

    /// Appends one round's samples at `time` (in memory until `flush()`). A sample older than
    /// its series' last one is dropped: a series' history only moves forward.
    public func append(_ samples: [Sample], at time: Date) throws(HistoryError) {
        let milliseconds = Int64((time.timeIntervalSince1970 * 1000).rounded())
        newest = max(newest, milliseconds)
        // Slots of this round, built only once it departs from the previous round's order.
        var fresh: [Int]? = samples.count == roundKeys.count ? nil : []
        for (index, sample) in samples.enumerated() {
            let slot: Int
            if index < roundKeys.count, roundKeys[index].name == sample.name, roundKeys[index].labels == sample.labels {
                slot = roundSlots[index]
            } else {
                slot = try self.slot(for: sample.key)
                if fresh == nil { fresh = Array(roundSlots[..<index]) }
            }
            fresh?.append(slot)
            append(sample.value, at: milliseconds, to: slot)
        }
        if let fresh {
            roundKeys = samples.map(\.key)
            roundSlots = fresh
        }
    }

    @inline(__always)
    private func append(_ raw: Double, at milliseconds: Int64, to slot: Int) {
        if let last = series[slot].chunk.lastTimestamp {
            guard milliseconds >= last else { return }
            let first = series[slot].chunk.firstTimestamp ?? milliseconds
            if series[slot].chunk.count >= samplesPerChunk || milliseconds - first >= Self.chunkSpan { seal(slot) }
        }
        let value = series[slot].quantized ? HistoryPrecision.percent(raw) : raw
        series[slot].chunk.append(time: milliseconds, value: value)
        series[slot].unloggedTimes.append(milliseconds)
        series[slot].unloggedValues.append(value)
        headChanged = true
    }

    /// Writes the chunks closed since the last flush and the open ones in one transaction,
    /// after closing the chunks of series that have not reported for a whole `chunkSpan`.
    public func flush() throws(HistoryError) {
        var idle = false
        for slot in series.indices {
            if let last = series[slot].chunk.lastTimestamp, last <= newest - min(idleAfter, Self.chunkSpan) {
                seal(slot)
                idle = true
            }
        }
        defer { if idle { forgetIdleSeries() } }
        guard headChanged || !sealed.isEmpty else { return }
        try database.transaction { () throws(HistoryError) in
            for chunk in sealed {
                try database.run(
                    "INSERT INTO chunks (series, first_ms, last_ms, samples, data) VALUES (?, ?, ?, ?, ?)",
                    [.integer(chunk.series), .integer(chunk.first), .integer(chunk.last), .integer(Int64(chunk.count)), .blob(chunk.bytes)])
            }
            if logRows >= Self.logRowsBeforeCompaction { try writeHead() } else { try writeLog() }
        }
        sealed = []
        headChanged = false
    }

    /// The samples of one series from `from` to `to` (milliseconds, both included), oldest
    /// first, flushed or not.
    public func samples(of key: SeriesKey, from: Int64, to: Int64) throws(HistoryError) -> [(time: Int64, value: Double)] {
        let slot = slotsByKey[key]
        var id = slot.map { series[$0].id }
        if id == nil { id = try storedID(of: key) }
        guard let id else { return [] }
        var chunks: [[UInt8]] = []
        try database.run(
            "SELECT data FROM chunks WHERE series = ? AND last_ms >= ? AND first_ms <= ? ORDER BY first_ms, id",
            [.integer(id), .integer(from), .integer(to)]
        ) { row throws(HistoryError) in chunks.append(row.blob(0)) }
        chunks += sealed.filter { $0.series == id && $0.last >= from && $0.first <= to }.map(\.bytes)
        if let slot, series[slot].chunk.count > 0 { chunks.append(series[slot].chunk.bytes) }
        var samples: [(time: Int64, value: Double)] = []
        for bytes in chunks {
            guard let decoded = SampleChunk.decode(bytes) else {
                throw HistoryError(path: database.path, reason: "a chunk of \(key) does not decode; the file is damaged")
            }
            samples += decoded.filter { $0.time >= from && $0.time <= to }
        }
        return samples
    }

    /// Readies the connection for reading much of the file once (a backtest): SQLite maps the
    /// file instead of copying each page through `pread` into a 512 KiB cache, which took a
    /// third off the time to rebuild seven node days of rounds (BENCHMARKS.md). Not for the daemon's
    /// own store: mapped pages would count in its resident memory as queries touch them.
    public func readInBulk() throws(HistoryError) {
        try database.execute("PRAGMA mmap_size=\(Self.bulkReadMapBytes)")
    }

    /// The most of the file `readInBulk` maps (SQLite maps what it reads, up to this).
    static let bulkReadMapBytes = 1 << 32

    /// Bytes the database's files take (the main file and its write-ahead log).
    public var fileBytes: Int {
        [database.path, database.path + "-wal"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        }
    }

    // MARK: Series

    private func addSeries(_ key: SeriesKey, id: Int64) {
        slotsByKey[key] = series.count
        slotsByID[id] = series.count
        series.append(Series(key: key, id: id, quantized: HistoryPrecision.quantizes(metric: key.name)))
    }

    private func slot(for key: SeriesKey) throws(HistoryError) -> Int {
        if let slot = slotsByKey[key] { return slot }
        if let id = try storedID(of: key) {
            addSeries(key, id: id)
            return series.count - 1
        }
        var id: Int64 = 0
        try database.transaction { () throws(HistoryError) in
            try database.run("INSERT INTO series (name, key) VALUES (?, ?)", [.text(key.name), .text(Self.text(key))])
            id = database.lastInsertedID
            for pair in key.labels.pairs {
                try database.run("INSERT INTO series_labels (series, name, value) VALUES (?, ?, ?)", [.integer(id), .text(pair.name), .text(pair.value)])
            }
        }
        addSeries(key, id: id)
        return series.count - 1
    }

    /// The row of a series not in memory, by its key.
    private func storedID(of key: SeriesKey) throws(HistoryError) -> Int64? {
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
    private func forgetIdleSeries() {
        let kept = series.filter { $0.chunk.count > 0 || $0.restarted }
        guard kept.count < series.count else { return }
        replaceSeries(kept)
    }

    /// Rebuilds the in-memory tables from `kept`.
    func replaceSeries(_ kept: [Series]) {
        series = []
        slotsByKey = [:]
        slotsByID = [:]
        roundKeys = []
        roundSlots = []
        for entry in kept {
            addSeries(entry.key, id: entry.id)
            series[series.count - 1] = entry
        }
    }

    /// Closes a series' open chunk: it is written, sealed, at the next flush.
    private func seal(_ slot: Int) {
        let chunk = series[slot].chunk
        guard let first = chunk.firstTimestamp, let last = chunk.lastTimestamp else { return }
        sealed.append(Sealed(series: series[slot].id, first: first, last: last, count: chunk.count, bytes: chunk.sealedBytes))
        series[slot].chunk = SampleChunk()
        series[slot].unloggedTimes = []
        series[slot].unloggedValues = []
        series[slot].restarted = true
        headChanged = true
    }

    // MARK: Pruning (HistoryStore+Pruning.swift)

    /// Drops the open chunks whose last sample is before `cutoff`; returns how many.
    func discardOpenChunks(endingBefore cutoff: Int64) -> Int {
        var discarded = 0
        for slot in series.indices {
            guard let last = series[slot].chunk.lastTimestamp, last < cutoff else { continue }
            series[slot].chunk = SampleChunk()
            series[slot].unloggedTimes = []
            series[slot].unloggedValues = []
            series[slot].restarted = true
            headChanged = true
            discarded += 1
        }
        return discarded
    }

    /// Rewrites the head when an open chunk changed (inside the caller's transaction).
    func flushHeadIfChanged() throws(HistoryError) {
        guard headChanged else { return }
        try writeHead()
        headChanged = false
    }

    /// The first sample time of the oldest open chunk.
    var openChunkStart: Int64? { series.compactMap(\.chunk.firstTimestamp).min() }

    /// Deletes the rows and labels of series with no chunk and no open chunk, and forgets them.
    func forgetEmptySeries() throws(HistoryError) {
        var stored: Set<Int64> = []
        try database.run("SELECT DISTINCT series FROM chunks") { row in stored.insert(row.integer(0)) }
        var rows: [Int64] = []
        try database.run("SELECT id FROM series") { row in rows.append(row.integer(0)) }
        let open = Set(series.filter { $0.chunk.count > 0 }.map(\.id))
        let empty = rows.filter { !stored.contains($0) && !open.contains($0) }
        guard !empty.isEmpty else { return }
        try database.transaction { () throws(HistoryError) in
            for id in empty {
                try database.run("DELETE FROM series_labels WHERE series = ?", [.integer(id)])
                try database.run("DELETE FROM series WHERE id = ?", [.integer(id)])
            }
        }
        let gone = Set(empty)
        replaceSeries(series.filter { !gone.contains($0.id) })
    }

    // MARK: Head: the open chunks, one row

    /// Each open chunk as its series id, its length (varints) and its streaming bytes.
    private func writeHead() throws(HistoryError) {
        var head: [UInt8] = []
        head.reserveCapacity(series.count * 64)
        for entry in series where entry.chunk.count > 0 {
            let bytes = entry.chunk.bytes
            Self.appendVarint(UInt64(bitPattern: entry.id), to: &head)
            Self.appendVarint(UInt64(bytes.count), to: &head)
            head += bytes
        }
        try database.run("INSERT OR REPLACE INTO head (id, data) VALUES (1, ?)", [.blob(head)])
        try database.run("DELETE FROM head_log")
        logRows = 0
        for slot in series.indices { markLogged(slot) }
    }

    private func markLogged(_ slot: Int) {
        series[slot].unloggedTimes.removeAll(keepingCapacity: true)
        series[slot].unloggedValues.removeAll(keepingCapacity: true)
        series[slot].restarted = false
    }

    /// One row of what changed since the head or the last log row: for each such series its
    /// id, where in its open chunk the samples go (0: a new chunk, which replaces the one
    /// held; the chunk closed when it has no samples) and those samples as a chunk of their own.
    private func writeLog() throws(HistoryError) {
        var log: [UInt8] = []
        for slot in series.indices where series[slot].restarted || !series[slot].unloggedTimes.isEmpty {
            let entry = series[slot]
            var added = SampleChunk()
            for index in entry.unloggedTimes.indices { added.append(time: entry.unloggedTimes[index], value: entry.unloggedValues[index]) }
            let bytes = added.bytes
            Self.appendVarint(UInt64(bitPattern: entry.id), to: &log)
            Self.appendVarint(UInt64(entry.chunk.count - entry.unloggedTimes.count), to: &log)
            Self.appendVarint(UInt64(bytes.count), to: &log)
            log += bytes
            markLogged(slot)
        }
        guard !log.isEmpty else { return }
        try database.run("INSERT INTO head_log (data) VALUES (?)", [.blob(log)])
        logRows += 1
    }

    private func replayLog(_ log: [UInt8]) throws(HistoryError) {
        var offset = 0
        while offset < log.count {
            guard let id = Self.readVarint(log, &offset), let start = Self.readVarint(log, &offset), let length = Self.readVarint(log, &offset),
                length <= UInt64(log.count - offset), let slot = slotsByID[Int64(bitPattern: id)],
                let added = SampleChunk.decode(Array(log[offset..<offset + Int(length)])),
                start == 0 || start == UInt64(series[slot].chunk.count)
            else {
                throw HistoryError(path: database.path, reason: "the log of open chunks does not decode; the file is damaged")
            }
            if start == 0 { series[slot].chunk = SampleChunk() }
            for sample in added {
                guard series[slot].chunk.count == 0 || sample.time >= (series[slot].chunk.lastTimestamp ?? .min) else {
                    throw HistoryError(path: database.path, reason: "the log of open chunks goes back in time; the file is damaged")
                }
                series[slot].chunk.append(time: sample.time, value: sample.value)
            }
            newest = max(newest, series[slot].chunk.lastTimestamp ?? .min)
            offset += Int(length)
        }
    }

    private func restoreHead(_ head: [UInt8]) throws(HistoryError) {
        var offset = 0
        while offset < head.count {
            guard let id = Self.readVarint(head, &offset), let length = Self.readVarint(head, &offset), length <= UInt64(head.count - offset),
                let slot = slotsByID[Int64(bitPattern: id)],
                let chunk = SampleChunk(restoring: Array(head[offset..<offset + Int(length)]))
            else {
                throw HistoryError(path: database.path, reason: "the open chunks do not decode; the file is damaged")
            }
            series[slot].chunk = chunk
            newest = max(newest, chunk.lastTimestamp ?? .min)
            offset += Int(length)
        }
    }

    /// The series ids a head names.
    static func seriesIDs(inHead head: [UInt8]) -> [Int64] {
        var ids: [Int64] = []
        var offset = 0
        while offset < head.count, let id = readVarint(head, &offset), let length = readVarint(head, &offset),
            length <= UInt64(head.count - offset)
        {
            ids.append(Int64(bitPattern: id))
            offset += Int(length)
        }
        return ids
    }

    /// The series ids a log row names.
    static func seriesIDs(inLog log: [UInt8]) -> [Int64] {
        var ids: [Int64] = []
        var offset = 0
        while offset < log.count, let id = readVarint(log, &offset), readVarint(log, &offset) != nil,
            let length = readVarint(log, &offset), length <= UInt64(log.count - offset)
        {
            ids.append(Int64(bitPattern: id))
            offset += Int(length)
        }
        return ids
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        Varint.append(value, to: &out)
    }

    static func readVarint(_ bytes: [UInt8], _ offset: inout Int) -> UInt64? {
        Varint.read(bytes, &offset, end: bytes.count)
    }
}
