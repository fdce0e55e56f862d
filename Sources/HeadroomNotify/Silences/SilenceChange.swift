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

    /// `silences` with `silence` added.
    public static func adding(_ silence: Silence, to silences: [Silence], at now: Date) -> [Silence] {
        kept(silences, at: now) + [silence]
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
