import VaporCSQLite

/// A problem with the history database, naming the file and what was being done.
public struct HistoryError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public var description: String { "history \(path): \(reason)" }
}

/// One SQLite connection, used from one thread at a time: the thin layer over SQLite's C API
/// the history store needs (statements with bound values, rows, transactions).
///
/// Statements are prepared once and kept, keyed by their SQL: a flush runs the same few
/// statements every time, and preparing one (parsing and planning it) cost more than running
/// it.
final class SQLiteConnection {
    let path: String
    private var handle: OpaquePointer?
    /// Prepared statements by SQL text, reset after each use.
    private var statements: [String: OpaquePointer] = [:]
    /// Beyond this many distinct statements (SQL built with a varying number of `?`s), the
    /// kept ones are finalized and preparing starts over, so the cache stays bounded.
    private static let maximumStatements = 64

    /// Opens (creating) the database in write-ahead-log mode: a commit is durable once made,
    /// through a crash of the process; `synchronous=NORMAL` skips the fsync per commit
    /// (what an OS crash may cost is the last commits, never the file's consistency).
    init(path: String) throws(HistoryError) {
        self.path = path
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK else {
            let reason = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "code \(code)"
            sqlite_nio_sqlite3_close_v2(handle)
            handle = nil
            throw HistoryError(path: path, reason: "cannot open: \(reason)")
        }
        sqlite_nio_sqlite3_busy_timeout(handle, 1000)
        // Freed pages go back to the file system at `PRAGMA incremental_vacuum`. Settable only
        // while the file is new: before the write-ahead log's first header write, which would
        // make it a file with no vacuum (a no-op on an existing file).
        try execute("PRAGMA auto_vacuum=INCREMENTAL")
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
        // A small page cache (512 KiB, against SQLite's 2 MiB): writes touch the newest pages,
        // reads of old chunks come from the kernel's page cache.
        try execute("PRAGMA cache_size=-512")
    }

    deinit {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        sqlite_nio_sqlite3_close_v2(handle)
    }

    /// Runs SQL that takes no values (schema, pragmas, transaction control).
    func execute(_ sql: String) throws(HistoryError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite_nio_sqlite3_exec(handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let reason = message.map { String(cString: $0) } ?? "code \(code)"
            sqlite_nio_sqlite3_free(message)
            throw HistoryError(path: path, reason: "\(reason) (in: \(sql))")
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction(_ body: () throws(HistoryError) -> Void) throws(HistoryError) {
        try run("BEGIN IMMEDIATE")
        do {
            try body()
        } catch {
            try? run("ROLLBACK")
            throw error
        }
        try run("COMMIT")
    }

    /// Binds `values` to the `?`s of `sql` in order, and calls `row` for each result row.
    func run(_ sql: String, _ values: [SQLValue] = [], row: (SQLiteRow) throws(HistoryError) -> Void = { _ in }) throws(HistoryError) {
        let (statement, kept) = try prepared(sql)
        defer {
            if kept {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            } else {
                sqlite_nio_sqlite3_finalize(statement)
            }
        }
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            let code: Int32
            switch value {
            case .integer(let integer): code = sqlite_nio_sqlite3_bind_int64(statement, position, integer)
            case .text(let text): code = sqlite_nio_sqlite3_bind_text(statement, position, text, -1, Self.transient)
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { sqlite_nio_sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), Self.transient) }
            }
            guard code == SQLITE_OK else { throw failure(sql) }
        }
        while true {
            let code = sqlite_nio_sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(sql) }
            try row(SQLiteRow(statement: statement))
        }
    }

    /// The row id the last insert made.
    var lastInsertedID: Int64 { sqlite_nio_sqlite3_last_insert_rowid(handle) }

    /// Rows the last INSERT, UPDATE or DELETE changed.
    var changes: Int { Int(sqlite_nio_sqlite3_changes(handle)) }

    /// The first column of the first row `sql` returns, as an integer (0 when there is none).
    func integer(_ sql: String, _ values: [SQLValue] = []) throws(HistoryError) -> Int64 {
        var result: Int64 = 0
        var seen = false
        try run(sql, values) { row in
            if !seen { result = row.integer(0) }
            seen = true
        }
        return result
    }

    /// The kept statement for `sql` (prepared on first use); a one-off one, finalized after
    /// use, when the kept one is still running (a statement run from another's row).
    private func prepared(_ sql: String) throws(HistoryError) -> (OpaquePointer?, kept: Bool) {
        if let statement = statements[sql] {
            if sqlite_nio_sqlite3_stmt_busy(statement) == 0 { return (statement, true) }
            var oneOff: OpaquePointer?
            guard sqlite_nio_sqlite3_prepare_v2(handle, sql, -1, &oneOff, nil) == SQLITE_OK else { throw failure(sql) }
            return (oneOff, false)
        }
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
            let statement
        else { throw failure(sql) }
        if statements.count >= Self.maximumStatements {
            for old in statements.values where sqlite_nio_sqlite3_stmt_busy(old) == 0 { sqlite_nio_sqlite3_finalize(old) }
            statements = statements.filter { sqlite_nio_sqlite3_stmt_busy($0.value) != 0 }
        }
        statements[sql] = statement
        return (statement, true)
    }

    private func failure(_ sql: String) -> HistoryError {
        HistoryError(path: path, reason: "\(String(cString: sqlite_nio_sqlite3_errmsg(handle))) (in: \(sql))")
    }

    /// SQLite copies the bound bytes (its `SQLITE_TRANSIENT`, a cast macro Swift cannot import).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// A value bound to a statement.
enum SQLValue {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

/// The current row of a running statement.
struct SQLiteRow {
    fileprivate let statement: OpaquePointer?

    func integer(_ column: Int32) -> Int64 { sqlite_nio_sqlite3_column_int64(statement, column) }

    func isNull(_ column: Int32) -> Bool { sqlite_nio_sqlite3_column_type(statement, column) == SQLITE_NULL }

    func text(_ column: Int32) -> String {
        guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return "" }
        return String(cString: text)
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
        guard count > 0, let bytes = sqlite_nio_sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
