import Foundation
import HeadroomCollectors
import HeadroomCore
import HeadroomNotify
import HeadroomTop

/// Gathers each frame: the daemon's status, alerts and history when it answers, else this
/// host sampled here; keeps the ring of values seen since start for the sparklines.
final class TopSession {
    private let client: DaemonClient
    private let collectors: CollectorSettings
    private let rules: [AlertRule]
    private let requestedInterval: Double?
    private var sampler: LocalSampler?
    private var ring = TopHistory()
    private var daemonHistory: TopHistory?
    /// Why the daemon's history is not used (history off), once it said so.
    private var historyRefusal: String?
    private var last: TopFrame?
    /// When the history was last asked, and for which range.
    private var historyFetched: (time: Double, range: TopRange)?

    /// The points asked per sparkline (each drawn cell takes the highest of its slice).
    static let points = 240

    init(client: DaemonClient, collectors: CollectorSettings, rules: [AlertRule], interval: Double?) {
        self.client = client
        self.collectors = collectors
        self.rules = rules
        requestedInterval = interval
    }

    /// The next frame. `settle`: when sampling here, take a second round half a second after
    /// the first so the rates (CPU) have a value (for --once). `historyOnly`: the range
    /// changed; fetch the history again and keep the last round.
    func refresh(range: TopRange, settle: Bool, historyOnly: Bool = false) async -> TopFrame {
        let now = Date().timeIntervalSince1970
        if historyOnly, var frame = last {
            if case .daemon = frame.source { await fetchHistory(range: range, now: now, force: true) }
            frame.history = history()
            frame.historySource = historySource()
            frame.range = range
            frame.instant = now
            last = frame
            return frame
        }
        var frame: TopFrame
        do {
            let status = try await client.status()
            var problem: String?
            var alerts: [TopAlert] = []
            do { alerts = try await client.alerts() } catch { problem = "alerts: \(error)" }
            ring.record(status.samples, at: now, keep: TopRange.oneDay.seconds)
            await fetchHistory(range: range, now: now, force: false)
            frame = TopFrame(
                source: .daemon(url: client.baseURL), status: status, alerts: alerts, history: history(), historySource: historySource(),
                instant: now, interval: requestedInterval ?? max(1, status.intervalSeconds ?? 2), range: range, rules: rules,
                timeZone: .current, problem: problem)
        } catch {
            // Why there is no daemon, in a few words ("connection refused"), when one connect
            // tells; else the request's own error. Probed only after a failure.
            let reason = ConnectProbe.problem(url: client.baseURL) ?? "\(error)"
            let sampler = self.sampler ?? LocalSampler(settings: collectors)
            self.sampler = sampler
            daemonHistory = nil
            var status = await sampler.sample()
            if settle {
                try? await TimedWait.sleep(for: .milliseconds(500))
                status = await sampler.sample()
            }
            let now = Date().timeIntervalSince1970
            ring.record(status.samples, at: now, keep: TopRange.oneDay.seconds)
            let alerts = InstantCheck.findings(rules: rules, samples: status.samples).map(TopAlert.init(finding:))
            status.firingAlerts = alerts.count
            frame = TopFrame(
                source: .local(url: client.baseURL, reason: reason), status: status, alerts: alerts, history: ring,
                historySource: .sinceStart(reason: nil), instant: now, interval: requestedInterval ?? 2, range: range, rules: rules,
                timeZone: .current)
        }
        last = frame
        return frame
    }

    /// Asks the daemon's history for each sparkline metric, at most once per sparkline step
    /// (the ring extends the series in between, so a 24h range does not read a day of chunks
    /// every interval); a refusal (history off) is kept and the ring used from then on.
    private func fetchHistory(range: TopRange, now: Double, force: Bool) async {
        guard historyRefusal == nil else { return }
        if !force, let fetched = historyFetched, fetched.range == range, daemonHistory != nil,
            now - fetched.time < range.seconds / Double(Self.points)
        {
            return
        }
        historyFetched = (now, range)
        var fetched = TopHistory()
        for metric in TopHistory.metrics {
            do {
                fetched.replace(metric: metric, with: try await client.range(metric, end: now, range: range, points: Self.points))
            } catch let refusal as PrometheusRange.Failure {
                historyRefusal = refusal.serverError ?? refusal.message
                daemonHistory = nil
                return
            } catch {
                daemonHistory = nil
                return
            }
        }
        daemonHistory = fetched
    }

    private func history() -> TopHistory {
        daemonHistory.map { $0.extended(with: ring) } ?? ring
    }

    private func historySource() -> TopFrame.HistorySource {
        daemonHistory == nil ? .sinceStart(reason: historyRefusal) : .daemon
    }
}
