import HeadroomCore

/// The open chunks on disk: the head (every open chunk, one row) written whole every
/// `logRowsBeforeCompaction` flushes, and between, a `head_log` row per flush with the bits
/// each open chunk gained since (`SampleChunk.appendLogEntry(since:to:)`).
extension HistoryStore {
    /// Each open chunk as its series id, its length (varints) and its streaming bytes.
    func writeHead() throws(HistoryError) {
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
        for slot in series.indices { Self.markLogged(&series[slot]) }
    }

    static func markLogged(_ entry: inout Series) {
        entry.logged = entry.chunk.mark
        entry.restarted = false
    }

    /// One row of what changed since the head or the last log row: for each such series its
    /// id, where in its open chunk the samples go (0: a new chunk, which replaces the one
    /// held; the chunk closed when it has no samples), the entry's length, and the bits the
    /// chunk gained (`SampleChunk.appendLogEntry(since:to:)`: nothing is encoded again).
    func writeLog() throws(HistoryError) {
        // The row's length is counted first, then each entry written in place into it
        // (`SampleChunk.writeLogEntry`): no append per byte. The table is moved out for the
        // loops, as `append` does, and read through its buffer: no exclusivity check, no copy
        // of a chunk.
        var table = series
        series = []
        defer { series = table }
        let log = table.withUnsafeMutableBufferPointer { entries -> [UInt8] in
            var lengths: [Int] = []
            lengths.reserveCapacity(entries.count)
            var length = 0
            for slot in entries.indices {
                guard let start = entries[slot].logStart else { continue }
                let entry = entries[slot].chunk.logEntryLength(since: start)
                lengths.append(entry)
                length += Varint.length(UInt64(bitPattern: entries[slot].id)) + Varint.length(UInt64(start.count)) + Varint.length(UInt64(entry)) + entry
            }
            var log: [UInt8] = []
            log.append(count: length) { row, first in
                var offset = first
                var next = 0
                for slot in entries.indices {
                    guard let start = entries[slot].logStart else { continue }
                    offset = Varint.write(UInt64(bitPattern: entries[slot].id), into: row, at: offset)
                    offset = Varint.write(UInt64(start.count), into: row, at: offset)
                    offset = Varint.write(UInt64(lengths[next]), into: row, at: offset)
                    offset = entries[slot].chunk.writeLogEntry(since: start, into: row, at: offset)
                    next += 1
                    Self.markLogged(&entries[slot])
                }
                return offset
            }
            return log
        }
        guard !log.isEmpty else { return }
        try database.run("INSERT INTO head_log (data) VALUES (?)", [.blob(log)])
        logRows += 1
    }

    /// Puts a log row's entries back after the head (and the rows before it).
    func replayLog(_ log: [UInt8]) throws(HistoryError) {
        var offset = 0
        while offset < log.count {
            guard let id = Self.readVarint(log, &offset), let start = Self.readVarint(log, &offset), let length = Self.readVarint(log, &offset),
                length <= UInt64(log.count - offset), let slot = slotsByID[Int64(bitPattern: id)]
            else {
                throw HistoryError(path: database.path, reason: "the log of open chunks does not decode; the file is damaged")
            }
            if start == 0 { series[slot].chunk = SampleChunk() }
            let range = offset..<offset + Int(length)
            offset += Int(length)
            guard start == UInt64(series[slot].chunk.count) else {
                throw HistoryError(path: database.path, reason: "the log of open chunks does not continue the head; the file is damaged")
            }
            guard length > 0 else { continue }
            guard let continued = series[slot].chunk.continued(with: log, in: range) else {
                throw HistoryError(path: database.path, reason: "the log of open chunks does not decode; the file is damaged")
            }
            series[slot].chunk = continued
            newest = max(newest, continued.lastTimestamp ?? .min)
        }
    }

    /// A log row of format 3, whose entries are the samples as a chunk of their own: read
    /// once, when a file of that format is opened, and folded into the head.
    func replayLegacyLog(_ log: [UInt8]) throws(HistoryError) {
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

    func restoreHead(_ head: [UInt8]) throws(HistoryError) {
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
