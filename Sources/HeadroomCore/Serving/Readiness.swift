/// The readiness gate: ready unless an alert of a `gate: true` rule fires.
public struct Readiness: Sendable, Hashable {
    /// The firing alerts that hold the gate closed (empty: ready).
    public var blocking: [Alert]

    public var isReady: Bool { blocking.isEmpty }

    /// Why the gate is closed (`gating alert firing: gpu_memory_critical{gpu="0"}`), nil when ready.
    public var reason: String? {
        guard !isReady else { return nil }
        let names = blocking.map { $0.labels.isEmpty ? $0.rule : "\($0.rule)\($0.labels.shown)" }
        return "gating alert firing: " + names.joined(separator: ", ")
    }

    /// Decides readiness from the firing alerts and the rules that gate.
    public static func evaluate(firing: [Alert], rules: [AlertRule]) -> Readiness {
        let gating = Set(rules.filter(\.gate).map(\.name))
        let blocking = firing.filter { gating.contains($0.rule) }.sorted {
            $0.rule != $1.rule ? $0.rule < $1.rule : $0.labels < $1.labels
        }
        return Readiness(blocking: blocking)
    }
}
