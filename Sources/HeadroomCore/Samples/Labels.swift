/// An ordered set of `name=value` pairs that, with a metric name, identifies one series.
///
/// Pairs are kept sorted by name so two label sets built in different orders are
/// equal and hash alike, as Prometheus label sets are.
public struct Labels: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The pairs, sorted by name; names are unique.
    public private(set) var pairs: [Pair]

    /// One `name=value` label.
    public struct Pair: Hashable, Sendable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The empty label set.
    public static let none = Labels()

    public init() { pairs = [] }

    /// Builds a label set from pairs; a later duplicate name replaces an earlier one.
    public init(_ dictionary: [String: String]) {
        pairs = dictionary.map { Pair($0.key, $0.value) }.sorted { $0.name < $1.name }
    }

    /// Builds a label set from an array of (name, value) tuples; a later duplicate name wins.
    public init(_ list: [(String, String)]) {
        var built: [Pair] = []
        built.reserveCapacity(list.count)
        for (name, value) in list {
            if let index = built.firstIndex(where: { $0.name == name }) { built[index].value = value } else { built.append(Pair(name, value)) }
        }
        // One sort, no reallocation: collectors build thousands of these per minute.
        if !built.isEmpty, !zip(built, built.dropFirst()).allSatisfy({ $0.name < $1.name }) {
            built.sort { $0.name < $1.name }
        }
        pairs = built
    }

    /// The value of label `name`, or nil; setting nil removes the label.
    public subscript(name: String) -> String? {
        get { pairs.first { $0.name == name }?.value }
        set {
            if let index = pairs.firstIndex(where: { $0.name == name }) {
                if let newValue { pairs[index].value = newValue } else { pairs.remove(at: index) }
            } else if let newValue {
                let insertAt = pairs.firstIndex { $0.name > name } ?? pairs.endIndex
                pairs.insert(Pair(name, newValue), at: insertAt)
            }
        }
    }

    /// The labels that describe a GPU rather than tell its series apart: its model, UUID, bus
    /// id and vendor. On one host the `gpu` index (with `gpu_instance` and `compute_instance`
    /// for a MIG slice) already says which GPU a series is of, with the vendor when it is not
    /// NVIDIA: an AMD card's index is its DRM card number, which an NVIDIA GPU's can equal.
    public static let gpuDescription: Set<String> = ["name", "uuid", "pci_bus_id", "vendor"]

    /// The labels a person is shown: a GPU's series (one with a `gpu` label) without
    /// `gpuDescription` (`vendor="amd"` stays), every other series' labels as they are (`name`
    /// is a container's in cAdvisor's series). Messages, `headroom top` and the dashboard show
    /// these; what machines read (JSON, webhooks, Alertmanager, the exposition, the history)
    /// keeps every label.
    public var shown: Labels {
        guard self["gpu"] != nil else { return self }
        var copy = self
        copy.pairs.removeAll { Self.gpuDescription.contains($0.name) && !($0.name == "vendor" && $0.value != "nvidia") }
        return copy
    }

    /// A copy with `name` set to `value`.
    public func adding(_ name: String, _ value: String) -> Labels {
        var copy = self
        copy[name] = value
        return copy
    }

    public var isEmpty: Bool { pairs.isEmpty }

    /// As a dictionary, for encoders.
    public var dictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: pairs.map { ($0.name, $0.value) })
    }

    /// Prometheus-style rendering: `{cpu="0",mode="user"}`, or the empty string.
    public var description: String {
        if pairs.isEmpty { return "" }
        return "{" + pairs.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }

    public static func < (lhs: Labels, rhs: Labels) -> Bool {
        for (left, right) in zip(lhs.pairs, rhs.pairs) {
            if left.name != right.name { return left.name < right.name }
            if left.value != right.value { return left.value < right.value }
        }
        return lhs.pairs.count < rhs.pairs.count
    }
}

extension Labels: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }
}
