import Foundation
import HeadroomCollectors
import HeadroomCore

/// Fixture trees recorded from (or modelled on) real machines, read through the live
/// `RootedSystemFiles` exactly as `collectors.root: /host` would read them.
enum FixtureHosts {
    static func root(_ scenario: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hosts/\(scenario)").path
    }

    static func files(_ scenario: String) -> RootedSystemFiles { RootedSystemFiles(root: root(scenario)) }
}

extension Array where Element == Sample {
    /// The value of the only sample named `name` (with `labels` ⊆ its labels).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matches = filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
        return matches.count == 1 ? matches[0].value : nil
    }

    func has(_ name: String) -> Bool { contains { $0.name == name } }
}
