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
/// alive, the file every series (looked up by its key when it comes back). The head is
/// written whole every 30 flushes; the flushes between add a row (`head_log`) with only the
/// bits each open chunk gained since the one before (`SampleChunk+Log.swift`: nothing is
/// encoded twice).
///
/// `prune(before:maxBytes:keepRollupsFrom:)` bounds the file by age and by size, rolling
/// what ages out into one-minute buckets first (`HistoryStore+Rollups.swift`).
///
/// Not thread-safe: one thread (the daemon's history writer, a backtest) uses a store at a time.
public final class HistoryStore {
    /// How much time one chunk row covers at most.
    public static let chunkSpan: Int64 = 2 * 3600 * 1000
    /// Samples per chunk by default: 30 minutes at the default 5 s interval. Fewer cost a row's
    /// overhead more often; more keep more of each series in memory (BENCHMARKS.md).
    public static let defaultSamplesPerChunk = 360
    /// The file format this store writes (`PRAGMA user_version`).
    static let formatVersion: Int64 = 4
    /// The earlier format this build still opens: its log rows are read once and folded into the head.
    static let legacyFormatVersion: Int64 = 3
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
        /// Where the open chunk stood when the head or its log last took it.
        var logged = SampleChunk.Mark()
        /// Whether the chunk the head or its log holds for this series was closed since.
        var restarted = false

        /// Where the log's next entry for this series starts: nil when nothing changed since
        /// the last one.
        var logStart: SampleChunk.Mark? {
            restarted ? SampleChunk.Mark() : chunk.count > logged.count ? logged : nil
        }
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
    var series: [Series] = []
    var slotsByKey: [SeriesKey: Int] = [:]
    var slotsByID: [Int64: Int] = [:]
    /// The latest round's layout and each of its series' slot.
    var layout: SeriesLayout?
    var layoutSlots: [Int] = []
    private var sealed: [Sealed] = []
    /// Whether an open chunk changed since the head was written.
    var headChanged = false
    /// Rows in `head_log` since the head was last written whole.
    var logRows = 0
    /// The log is folded into the head after this many flushes.
    static let logRowsBeforeCompaction = 30
    /// The newest sample time appended, in milliseconds.
    var newest: Int64 = .min

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
        } else if version != Self.formatVersion, version != Self.legacyFormatVersion {
            throw HistoryError(path: path, reason: "file format \(version), this build reads \(Self.formatVersion); delete the file or use a matching build")
        }
        try database.execute(Self.eventSchema)
        try database.execute(Self.rollupSchema)
        var head: [UInt8] = []
        try database.run("SELECT data FROM head WHERE id = 1") { row in head = row.blob(0) }
        var logs: [[UInt8]] = []
        try database.run("SELECT data FROM head_log ORDER BY id") { row in logs.append(row.blob(0)) }
        // Only the series with an open chunk come into memory.
        for (id, key) in try Self.keys(database, ids: Self.seriesIDs(inHead: head) + logs.flatMap(Self.seriesIDs(inLog:))) {
            addSeries(key, id: id)
        }
        try restoreHead(head)
        if version == Self.legacyFormatVersion {
            for log in logs { try replayLegacyLog(log) }
            try database.transaction { () throws(HistoryError) in
                try writeHead()
                try database.execute("PRAGMA user_version = \(Self.formatVersion)")
            }
            // Format 3 files were made without the incremental vacuum the pruning relies on to
            // give pages back (set too late to take): rebuilt once with it.
            if try database.integer("PRAGMA auto_vacuum") == 0 {
                try database.execute("PRAGMA auto_vacuum=INCREMENTAL")
                try database.execute("VACUUM")
            }
        } else {
            for log in logs { try replayLog(log) }
            logRows = logs.count
        }
        for slot in series.indices { Self.markLogged(&series[slot]) }
    }

    /// Every series recorded, in no particular order.
    public func seriesKeys() throws(HistoryError) -> [SeriesKey] {
        try Self.keys(database, ids: nil).map(\.key)
    }

    /// Appends one round's samples at `time` (in memory until `flush()`). A sample older than
    /// its series' last one is dropped: a series' history only moves forward.
    public func append(_ samples: [Sample], at time: Date) throws(HistoryError) {
        let layout = SeriesLayout.of(samples, reusing: self.layout)
        try append(samples.map(\.value), layout: layout, at: time)
    }

    /// Appends one round given as its values in `layout`'s order (the daemon's form: a round
    /// waits for the writer as its values alone). Each value's series is found once per layout.
    public func append(_ values: [Double], layout: SeriesLayout, at time: Date) throws(HistoryError) {
        precondition(values.count == layout.keys.count, "a round's values must match its layout")
        let milliseconds = Int64((time.timeIntervalSince1970 * 1000).rounded())
        newest = max(newest, milliseconds)
        if layout !== self.layout {
            layoutSlots = try slots(for: layout.keys)
            self.layout = layout
        }
        // The table is moved out for the loop, so each sample is one plain mutation of an array
        // this function owns (no exclusivity check and no copy-on-write test on the store).
        let slots = layoutSlots
        var table = series
        series = []
        defer { series = table }
        var appended = false
        for index in values.indices where append(values[index], at: milliseconds, to: &table[slots[index]]) { appended = true }
        if appended { headChanged = true }
    }

    /// Appends one value to a series' open chunk, sealing the chunk first when it is full or
    /// spans `chunkSpan`; false for a sample older than the series' last.
    @inline(__always)
    private func append(_ raw: Double, at milliseconds: Int64, to entry: inout Series) -> Bool {
        if entry.chunk.count > 0 {
            guard let last = entry.chunk.lastTimestamp, milliseconds >= last else { return false }
            let first = entry.chunk.firstTimestamp ?? milliseconds
            if entry.chunk.count >= samplesPerChunk || milliseconds - first >= Self.chunkSpan { seal(&entry) }
        }
        entry.chunk.append(time: milliseconds, value: entry.quantized ? HistoryPrecision.percent(raw) : raw)
        return true
    }

    /// Writes the chunks closed since the last flush and the open ones in one transaction,
    /// after closing the chunks of series that have not reported for a whole `chunkSpan`.
    public func flush() throws(HistoryError) {
        var idle = false
        for slot in series.indices {
            if let last = series[slot].chunk.lastTimestamp, last <= newest - min(idleAfter, Self.chunkSpan) {
                seal(&series[slot])
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
    /// first, flushed or not. With `includingMinutes`, the part older than the samples kept
    /// comes from the one-minute tier, as each minute's last sample (the history API); without,
    /// only recorded samples (a backtest, which must replay rounds as they were).
    public func samples(of key: SeriesKey, from: Int64, to: Int64, includingMinutes: Bool = false) throws(HistoryError) -> [(time: Int64, value: Double)] {
        let slot = slotsByKey[key]
        guard let id = try id(of: key) else { return [] }
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
        // Before the raw tier: the last sample of each minute the downsampled tier kept.
        let rawStart = samples.first?.time ?? .max
        guard includingMinutes, from < rawStart else { return samples }
        let older = try rollups(ofSeries: id, from: from, to: min(to, rawStart - 1)).lazy
            .filter { $0.lastTime >= from && $0.lastTime < rawStart && $0.lastTime <= to }
            .map { (time: $0.lastTime, value: $0.last) }
        return Array(older) + samples
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

    /// Bytes the database's files take (the main file and its write-ahead log), read after every
    /// flush. `stat(2)` alone: `FileManager.attributesOfItem` also read `/etc/passwd` and
    /// `/etc/group` for the owner's names and listed extended attributes, twice a flush.
    public var fileBytes: Int {
        Self.size(of: database.path) + Self.size(of: database.path + "-wal")
    }

    /// A file's size, 0 when it does not exist.
    static func size(of path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }

    /// Closes a series' open chunk: it is written, sealed, at the next flush.
    func seal(_ entry: inout Series) {
        let chunk = entry.chunk
        guard let first = chunk.firstTimestamp, let last = chunk.lastTimestamp else { return }
        sealed.append(Sealed(series: entry.id, first: first, last: last, count: chunk.count, bytes: chunk.sealedBytes))
        entry.chunk = SampleChunk()
        entry.logged = SampleChunk.Mark()
        entry.restarted = true
        headChanged = true
    }
}
