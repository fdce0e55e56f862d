import ArgumentParser
import Foundation
import HeadroomCollectors
import HeadroomConfig
import HeadroomConfigSyntax
import HeadroomCore
import HeadroomDaemon
import HeadroomNotify
import Logging

/// `headroom check`: one evaluation, Nagios/Icinga plugin style.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Sample once and exit 0 OK / 1 WARNING / 2 CRITICAL / 3 UNKNOWN.",
        discussion: """
            Takes two samples --delay apart (CPU and throttling are rates), checks every threshold \
            rule against the current values, prints a one-line summary with perfdata and exits with \
            the Nagios plugin code. Hold policies (`for`, `samples`, `within`) and trend rules need a \
            history, so a one-shot check ignores holds and skips trends. An invalid configuration or \
            a check that could read nothing exits 3 (UNKNOWN). Usable as an Icinga/Nagios plugin and \
            as a container HEALTHCHECK.

            EXAMPLES
              headroom check
              headroom check --format json
              HEALTHCHECK CMD ["headroom", "check", "--delay", "500ms"]
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(name: .shortAndLong, help: "Configuration file.")
    var config: String?

    @Option(help: "Output format: text (one line + perfdata) or json.")
    var format: Format = .text

    @Option(help: "Time between the two samples, e.g. 500ms or 1s.")
    var delay: String = "1s"

    func run() async throws {
        let source = ConfigurationSource(explicitPath: config)
        let configuration: HeadroomConfiguration
        switch source.load() {
        case .failure(let errors):
            print("HEADROOM UNKNOWN - invalid configuration: \(errors.issues.first?.description ?? "?")")
            printError(errors.description)
            throw ExitCode(3)
        case .success(let loaded):
            configuration = loaded.configuration
        }
        guard let pause = HumanDuration.parse(delay), pause > .zero else {
            print("HEADROOM UNKNOWN - --delay must be a duration such as 500ms or 1s, got \"\(delay)\"")
            throw ExitCode(3)
        }

        var logger = Logger(label: "headroom.check")
        logger.logLevel = .critical
        let host = HostSampler(settings: configuration.collectors)
        let first = await host.snapshot()
        try await TimedWait.sleep(for: pause)
        let second = await host.snapshot()
        let samples = SampleDerivation.evaluationSamples(previous: first, current: second)
        let findings = InstantCheck.findings(rules: configuration.rules, samples: samples)
        var status = InstantCheck.status(findings)
        if second.collectors.allSatisfy({ $0.isFailure || $0.outcome != .ok }) { status = .unknown }
        let report = CheckReport(status: status, findings: findings, samples: samples, rules: configuration.rules)
        switch format {
        case .text: print(report.text)
        case .json: print(report.json)
        }
        if status != .ok { throw ExitCode(Int32(status.rawValue)) }
    }
}
