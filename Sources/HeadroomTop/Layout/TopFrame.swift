public import Foundation
public import HeadroomCore

/// Everything one frame draws, gathered by the shell: where the numbers came from, the
/// round, the alerts, the sparkline points and the time.
public struct TopFrame: Sendable {
    /// Where the numbers come from.
    public enum Source: Sendable, Hashable {
        /// The running daemon at this URL answered.
        case daemon(url: String)
        /// Nothing answered at the URL (`reason`): `headroom top` samples the host itself.
        case local(url: String, reason: String)
    }

    /// Where the sparklines' points come from.
    public enum HistorySource: Sendable, Hashable {
        /// The daemon's recorded history (`/api/v1/query_range`).
        case daemon
        /// The values seen since `headroom top` started (`reason`: why not the daemon's).
        case sinceStart(reason: String?)
    }

    public var source: Source
    /// The latest round, nil until the first arrives.
    public var status: TopStatus? {
        didSet { model = Self.model(of: status) }
    }
    /// What the view draws from `status`, read from it whenever it is set.
    public private(set) var model: TopModel
    public var alerts: [TopAlert]
    public var history: TopHistory
    public var historySource: HistorySource
    /// The frame's time, Unix seconds (the sparklines end here).
    public var instant: Double
    /// Seconds between redraws.
    public var interval: Double
    /// The span the sparklines cover.
    public var range: TopRange
    /// Rules whose GPU memory thresholds mark the bars.
    public var rules: [AlertRule]
    public var timeZone: TimeZone
    /// A problem worth a line (an endpoint that failed while the others answered).
    public var problem: String?

    public init(
        source: Source, status: TopStatus?, alerts: [TopAlert] = [], history: TopHistory = TopHistory(),
        historySource: HistorySource = .sinceStart(reason: nil), instant: Double, interval: Double, range: TopRange = .fifteenMinutes, rules: [AlertRule] = [],
        timeZone: TimeZone = TimeZone(identifier: "UTC")!, problem: String? = nil
    ) {
        self.source = source
        self.status = status
        model = Self.model(of: status)
        self.alerts = alerts
        self.history = history
        self.historySource = historySource
        self.instant = instant
        self.interval = interval
        self.range = range
        self.rules = rules
        self.timeZone = timeZone
        self.problem = problem
    }

    private static func model(of status: TopStatus?) -> TopModel {
        status.map { TopModel(samples: $0.samples) } ?? TopModel(gpus: [], host: HostView())
    }

    /// The marks of one GPU's memory bar, from the rules that watch it: the daemon's when its
    /// status lists them, else the local configuration's.
    public func marks(for gpu: GPUView) -> MemoryMarks {
        MemoryMarks.from(status?.rules ?? rules, labels: gpu.identity)
    }

    /// `14:03:07` in the frame's time zone.
    func clock(_ seconds: Double) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
        func two(_ value: Int?) -> String {
            let text = String(value ?? 0)
            return text.count < 2 ? "0" + text : text
        }
        return two(parts.hour) + ":" + two(parts.minute) + ":" + two(parts.second)
    }
}
