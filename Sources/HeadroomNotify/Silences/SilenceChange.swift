public import Foundation
import HeadroomCore

/// Adding and ending silences: one set of rules for `headroom silence` and
/// `/api/v1/silences` (pure: time and the new id are inputs; `SilenceStore` applies them to
/// the file).
public enum SilenceChange {
    /// How long an ended silence stays in the file, so an expire done by mistake can still
    /// be read back: one day. Older ones are dropped whenever the file is written.
    public static let keepEnded: TimeInterval = 86_400

    /// A new silence from what a person gave: every matcher parsed (at least one), a
    /// positive duration such as `30m`, `2h` or `1d`, starting at `now`.
    public static func silence(
        matchers texts: [String], duration: String, comment: String, createdBy: String,
        id: String, at now: Date
    ) -> Result<Silence, SilenceError> {
        var matchers: [SilenceMatcher] = []
        for text in texts {
            switch SilenceMatcher.parse(text) {
            case .success(let matcher): matchers.append(matcher)
            case .failure(let error): return .failure(error)
            }
        }
        guard !matchers.isEmpty else { return .failure(SilenceError("give at least one matcher, e.g. alertname=cpu_overload")) }
        guard let length = HumanDuration.parse(duration), length > .zero else {
            return .failure(SilenceError("duration \(duration): expected a duration such as 30m, 2h or 1d"))
        }
        return .success(
            Silence(
                id: id, matchers: matchers, startsAt: now, endsAt: now.addingTimeInterval(length.headroomSeconds),
                comment: comment, createdBy: createdBy))
    }

    /// What adding a silence does.
    public enum Addition: Sendable, Equatable {
        /// The silences with it added (and those ended over a day ago dropped).
        case added([Silence])
        /// A silence with its id is running already, with the same matchers, duration, comment
        /// and author: a create sent again whose first try was applied. Nothing changes.
        case present(Silence)
    }

    /// `silences` with `silence` added. An id names one silence: the same silence again while
    /// it runs (a retried create, its times a moment later) is `present`, and nothing
    /// changes; an id kept for another silence, or for one that has ended (expired, or run
    /// out: sending it again would silence nothing), is a conflict.
    public static func adding(_ silence: Silence, to silences: [Silence], at now: Date) -> Result<Addition, SilenceError> {
        let kept = kept(silences, at: now)
        guard let existing = kept.first(where: { $0.id == silence.id }) else { return .success(.added(kept + [silence])) }
        guard existing.endsAt > now else {
            return .failure(SilenceError("silence \(silence.id) ended at \(RFC3339.format(existing.endsAt)); give another id", kind: .conflict))
        }
        let sameLength = abs(existing.endsAt.timeIntervalSince(existing.startsAt) - silence.endsAt.timeIntervalSince(silence.startsAt)) < 0.001
        guard existing.matchers == silence.matchers, sameLength, existing.comment == silence.comment, existing.createdBy == silence.createdBy else {
            return .failure(
                SilenceError("silence \(silence.id) exists already with other matchers, duration, comment or author; give another id", kind: .conflict))
        }
        return .success(.present(existing))
    }

    /// Whether `id` may name a silence a client chooses: 1 to 64 letters, digits, `.`, `_`
    /// or `-`, starting with a letter or digit.
    public static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...64).contains(bytes.count), let first = bytes.first, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// `silences` with the silence `id` ended at `now`, and that silence; an error when no
    /// silence with that id is still running.
    public static func expiring(_ id: String, in silences: [Silence], at now: Date) -> Result<([Silence], Silence), SilenceError> {
        guard let index = silences.firstIndex(where: { $0.id == id && $0.endsAt > now }) else {
            return .failure(SilenceError("no active silence \(id); see headroom silence list", kind: .notFound))
        }
        var changed = silences
        changed[index].endsAt = now
        return .success((kept(changed, at: now), changed[index]))
    }

    /// The silences that have not ended (including any that start later): what `list` shows.
    public static func running(_ silences: [Silence], at now: Date) -> [Silence] {
        silences.filter { $0.endsAt > now }
    }

    /// A new silence id: eight hex digits.
    public static func newID() -> String {
        String(UUID().uuidString.lowercased().prefix(8))
    }

    private static func kept(_ silences: [Silence], at now: Date) -> [Silence] {
        silences.filter { $0.endsAt > now.addingTimeInterval(-keepEnded) }
    }
}
