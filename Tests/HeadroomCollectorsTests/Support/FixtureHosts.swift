import Foundation
import HeadroomCollectors
import HeadroomCore

/// Fixture trees recorded from (or modelled on) real machines under `Fixtures/hosts/`,
/// read through the live `RootedSystemFiles`, exactly as `collectors.root: /host` would.
enum FixtureHosts {
    /// Every scenario directory.
    static let scenarios = ["cgroup-v2-container", "cgroup-v1-container", "hybrid-host", "no-psi-kernel", "bare-host"]

    /// The scenario's root directory, found beside this source file (no bundle lookup).
    static func root(_ scenario: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hosts/\(scenario)").path
    }

    static func files(_ scenario: String) -> RootedSystemFiles { RootedSystemFiles(root: root(scenario)) }

    /// The samples of collector `name` built by the catalog over the scenario.
    static func collect(_ scenario: String, _ name: String, settings: CollectorSettings = CollectorSettings()) throws(CollectorError) -> [Sample] {
        guard let collector = CollectorCatalog.make(settings: settings, files: files(scenario)).first(where: { $0.name == name }) else {
            throw .failed("no collector named \(name)")
        }
        return try collector.collect()
    }
}

/// Shorthand for an expected gauge sample in tables.
func gauge(_ name: String, _ labels: Labels, _ value: Double) -> Sample {
    Sample(name, labels, value)
}

/// Shorthand for an expected unlabelled gauge sample.
func gauge(_ name: String, _ value: Double) -> Sample {
    Sample(name, .none, value)
}

/// Shorthand for an expected counter sample.
func counter(_ name: String, _ labels: Labels, _ value: Double) -> Sample {
    Sample(name, labels, value, kind: .counter)
}

/// Shorthand for an expected unlabelled counter sample.
func counter(_ name: String, _ value: Double) -> Sample {
    Sample(name, .none, value, kind: .counter)
}

extension Array where Element == Sample {
    /// The value of the only sample named `name` whose labels include `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matches = filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
        return matches.count == 1 ? matches[0].value : nil
    }

    func has(_ name: String) -> Bool { contains { $0.name == name } }
}

extension String {
    /// The text's bytes, for parser tables.
    var bytes: [UInt8] { Array(utf8) }
}

/// The error `body` threw, or nil when it did not throw.
func caught<T>(_ body: () throws(CollectorError) -> T) -> CollectorError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// The message of a `.failed` error, or nil for anything else.
func failure<T>(_ body: () throws(CollectorError) -> T) -> String? {
    guard case .failed(let message) = caught(body) else { return nil }
    return message
}
