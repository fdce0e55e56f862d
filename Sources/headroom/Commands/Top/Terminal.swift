import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The write end of the pipe the signal handlers write to (async-signal-safe: one write(2)).
nonisolated(unsafe) private var signalPipeWrite: Int32 = -1

/// The interactive terminal of `headroom top`: raw input, the alternate screen without a
/// cursor, the size, and the signals that end or resize the view. Everything is put back by
/// `restore()`, which the command calls on every way out.
final class Terminal {
    /// What woke the loop.
    enum Event {
        case input([UInt8])
        case resized
        /// Continued (`fg`) after a suspend: the screen is ours again.
        case resumed
        /// SIGTERM, SIGHUP, SIGINT or the terminal went away.
        case terminate
        case timeout
    }

    private var saved = termios()
    private var raw = termios()
    private var restored = false
    /// False when SIGTSTP was ignored on entry (no job control: nobody could `fg` us), so
    /// Ctrl-Z does nothing rather than stopping for good.
    private let canSuspend: Bool
    /// The rows on screen, as last drawn.
    private var shown: [String] = []
    /// Between Ctrl-Z and SIGCONT: nothing is drawn (the shell has the terminal).
    private(set) var suspended = false
    private let signalPipe: (read: Int32, write: Int32)

    /// Enters raw mode and the alternate screen; throws when standard input or output is not
    /// a terminal.
    init() throws(TopError) {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw TopError("headroom top needs a terminal on standard input and output; use --once to print one frame")
        }
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw TopError("cannot read the terminal's mode: \(String(cString: strerror(errno)))") }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw TopError("cannot create a pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        signalPipe = (fds[0], fds[1])
        let previous = signal(SIGTSTP, SIG_DFL)
        signal(SIGTSTP, previous)
        canSuspend = unsafeBitCast(previous, to: Int.self) != unsafeBitCast(SIG_IGN, to: Int.self)
        signalPipeWrite = fds[1]
        for number in [SIGTERM, SIGHUP, SIGINT, SIGWINCH, SIGCONT] {
            signal(number) { received in
                var byte = UInt8(truncatingIfNeeded: received)
                _ = write(signalPipeWrite, &byte, 1)
            }
        }
        raw = saved
        // No line editing, echo or signal keys (Ctrl-C arrives as a byte and quits), no
        // flow control or CR translation; reads return what is there.
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        enter()
    }

    /// Raw mode, the alternate screen, the cursor hidden, the screen cleared once.
    private func enter() {
        shown = []
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)
        Self.emit("\u{1B}[?1049h\u{1B}[?25l\u{1B}[2J")
    }

    /// Ctrl-Z: gives the shell its terminal back and stops the job, as a cooked terminal's
    /// SIGTSTP would. The stop lands a moment later (the signal is the process's, and the
    /// thread that takes it may not be this one), so nothing is drawn until SIGCONT
    /// (`fg`) says the screen is ours again: see `resume()`.
    func suspend() {
        guard canSuspend else { return }
        suspended = true
        Self.emit("\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
        kill(0, SIGTSTP)
    }

    /// After SIGCONT: raw mode and the alternate screen again.
    func resume() {
        guard suspended else { return }
        suspended = false
        enter()
    }

    deinit { restore() }

    /// Leaves the alternate screen, shows the cursor and puts the terminal mode back.
    func restore() {
        guard !restored else { return }
        restored = true
        Self.emit("\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
        for number in [SIGTERM, SIGHUP, SIGINT, SIGWINCH, SIGCONT] { signal(number, SIG_DFL) }
        signalPipeWrite = -1
        close(signalPipe.read)
        close(signalPipe.write)
    }

    /// Columns and rows (80×24 when the terminal does not say).
    var size: (width: Int, height: Int) { Self.windowSize() ?? (80, 24) }

    /// The columns and rows of the terminal on standard output; nil when it is none or does
    /// not say.
    static func windowSize() -> (width: Int, height: Int)? {
        var window = winsize()
        let result = withUnsafeMutablePointer(to: &window) { ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), $0) }
        guard result == 0, window.ws_col > 0, window.ws_row > 0 else { return nil }
        return (Int(window.ws_col), Int(window.ws_row))
    }

    /// Waits up to `timeout` seconds for a key, a signal or nothing.
    func wait(_ timeout: Double) -> Event {
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: signalPipe.read, events: Int16(POLLIN), revents: 0)]
        let milliseconds = Int32(max(0, min(timeout, 3600)) * 1000)
        let ready = poll(&fds, 2, milliseconds)
        if ready < 0 { return errno == EINTR ? .resized : .terminate }
        if ready == 0 { return .timeout }
        if fds[1].revents & Int16(POLLIN) != 0 {
            var buffer = [UInt8](repeating: 0, count: 16)
            let count = read(signalPipe.read, &buffer, buffer.count)
            let signals = buffer.prefix(max(0, count)).map { Int32($0) }
            if signals.contains(where: { $0 != SIGWINCH && $0 != SIGCONT }) { return .terminate }
            return signals.contains(SIGCONT) ? .resumed : .resized
        }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = read(STDIN_FILENO, &buffer, buffer.count)
        // End of input or an error (the SSH session closed): nothing can quit us later.
        guard count > 0 else { return .terminate }
        return .input(Array(buffer.prefix(count)))
    }

    /// Draws `lines` over the previous frame: only the rows that changed are written, each at
    /// its row and already exactly as wide as the screen, so nothing is cleared first, nothing
    /// flickers, and an idle view costs an SSH link a few bytes. The terminals that know
    /// synchronized output (mode 2026) show the frame at once.
    func draw(_ lines: [String]) {
        var out = ""
        for (row, line) in lines.enumerated() where row >= shown.count || shown[row] != line {
            out += "\u{1B}[\(row + 1);1H" + line
        }
        shown = lines
        guard !out.isEmpty else { return }
        Self.emit("\u{1B}[?2026h" + out + "\u{1B}[?2026l")
    }

    /// Clears the screen (after a resize or Ctrl-L; every other frame overwrites the last in
    /// place); the next `draw` writes every row.
    func clear() {
        shown = []
        Self.emit("\u{1B}[2J")
    }

    /// Writes all of `text` to standard output.
    static func emit(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            offset += written
        }
    }
}

/// A problem that stops `headroom top`, said with what to do.
struct TopError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
