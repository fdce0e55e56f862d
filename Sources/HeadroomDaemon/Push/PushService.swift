import Foundation
import HeadroomCore
import HeadroomNotify
import Logging
public import ServiceLifecycle
import Synchronization

/// Pushes every round's samples as InfluxDB line protocol to InfluxDB v1, v2 or
/// VictoriaMetrics: batched, gzip-compressed, retried with backoff while the server is
/// unreachable, buffered up to `buffer_size` lines (the oldest are dropped and counted
/// beyond that).
///
/// The round thread formats and buffers its lines itself (`enqueue`, a lock and an append):
/// no task wakes for a round. The service's own task wakes once per `push.interval` to send.
public actor PushService: Service {
    let settings: PushSettings
    private let transport: any HTTPTransport
    private let logger: Logger
    private let host: String
    /// The lines waiting, shared by the round thread (appends) and this actor (sends).
    private let buffer: Mutex<PushBuffer>
    private var sentTotal = 0
    private var rejectedTotal = 0
    private var failedRequestsTotal = 0
    private var consecutiveFailures = 0
    private var retryAt: MonotonicInstant?
    private let clock: any DaemonClock
    private var reportedOutage = false

    init(settings: PushSettings, host: String, transport: any HTTPTransport, clock: any DaemonClock, logger: Logger) {
        self.clock = clock
        self.settings = settings
        self.host = host
        self.transport = transport
        self.logger = logger
        buffer = Mutex(PushBuffer(capacity: settings.bufferSize))
    }

    /// While the target is unreachable: twice the push interval, doubling up to 64 intervals,
    /// never more than 30 s.
    static func backoff(_ settings: PushSettings) -> Backoff {
        Backoff(initial: settings.interval * 2, maximum: min(settings.interval * 64, .seconds(30)))
    }

    /// Adds one round's samples, on the caller's thread (the round's).
    nonisolated func enqueue(_ samples: [Sample], at time: Date) {
        let lines = InfluxLineProtocol.lines(samples, time: time, host: host)
        let firstDrop = buffer.withLock { buffer in
            let dropped = buffer.append(lines)
            return dropped > 0 && buffer.droppedTotal == dropped
        }
        if firstDrop {
            logger.warning("push buffer full (\(settings.bufferSize) lines): dropping the oldest lines; see headroom_push_lines_dropped_total")
        }
    }

    private var buffered: Int { buffer.withLock { $0.count } }

    /// Sends what is buffered, batch by batch, until empty or a send fails.
    func flush(force: Bool = false) async {
        if !force, let retryAt, clock.uptime() < retryAt { return }
        while true {
            let (batch, end) = buffer.withLock { $0.batch(maximum: settings.batchSize) }
            guard !batch.isEmpty else { return }
            var body = Array((batch.joined(separator: "\n") + "\n").utf8)
            var headers = [HTTPHeader("Content-Type", "text/plain; charset=utf-8")]
            if settings.gzip, let compressed = Gzip.compress(body) {
                body = compressed
                headers.append(HTTPHeader("Content-Encoding", "gzip"))
            }
            if let authorization = settings.authorizationHeader { headers.append(HTTPHeader("Authorization", authorization)) }
            let request = HTTPRequest(url: settings.writeURL, headers: headers, body: body)
            var status: Int?
            var failure = ""
            do {
                status = try await transport.send(request, tls: settings.tls, timeout: settings.timeout).status
            } catch {
                failure = error.reason
            }
            switch PushOutcome.classify(status: status) {
            case .delivered:
                buffer.withLock { $0.acknowledge(through: end) }
                sentTotal += batch.count
                consecutiveFailures = 0
                retryAt = nil
                if reportedOutage {
                    logger.info("push target reachable again", metadata: ["buffered": "\(buffered)"])
                    reportedOutage = false
                }
            case .rejected:
                buffer.withLock { $0.acknowledge(through: end) }
                rejectedTotal += batch.count
                logger.error("push target rejected a batch of \(batch.count) lines (HTTP \(status ?? 0)); dropped")
            case .retry:
                failedRequestsTotal += 1
                consecutiveFailures += 1
                retryAt = clock.uptime() + Self.backoff(settings).delay(afterFailures: consecutiveFailures)
                if !reportedOutage {
                    logger.warning("push failed (\(status.map { "HTTP \($0)" } ?? failure)); keeping \(buffered) lines and retrying with backoff")
                    reportedOutage = true
                }
                return
            }
        }
    }

    /// The push counters, printed on `/metrics` with the `headroom_` prefix.
    func samples() -> [Sample] {
        let (dropped, count) = buffer.withLock { ($0.droppedTotal, $0.count) }
        return [
            Sample("push_lines_sent_total", .none, Double(sentTotal), kind: .counter),
            Sample("push_lines_dropped_total", ["reason": "buffer_full"], Double(dropped), kind: .counter),
            Sample("push_lines_dropped_total", ["reason": "rejected"], Double(rejectedTotal), kind: .counter),
            Sample("push_requests_failed_total", .none, Double(failedRequestsTotal), kind: .counter),
            Sample("push_buffer_lines", .none, Double(count)),
        ]
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var next = self.clock.uptime()
                while !Task.isCancelled {
                    // On a grid; after a flush that overran it (a slow target), from now.
                    next = max(next + self.settings.interval, self.clock.uptime())
                    try await self.clock.sleep(until: next)
                    // A send in flight finishes even when shutdown begins (a task of its own
                    // does not inherit the cancellation): cancelling it after the server took
                    // the batch would count it failed and send it again at the last flush.
                    await Task { await self.flush() }.value
                }
            }
        } catch is CancellationError {}
        // Shutting down: one last attempt, whatever the backoff says.
        await flush(force: true)
        let left = buffered
        if left > 0 { logger.warning("push: \(left) lines not delivered at shutdown") }
        logger.info(
            "push stopped",
            metadata: [
                "sent": "\(sentTotal)", "dropped": "\(buffer.withLock { $0.droppedTotal })", "rejected": "\(rejectedTotal)", "buffered": "\(left)",
            ])
    }
}
