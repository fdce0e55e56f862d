public import HeadroomCore
import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
public import ServiceLifecycle

/// Builds the Hummingbird application serving Headroom's endpoints from a `StateReader`.
public struct HTTPServer: Sendable {
    public let settings: ServerSettings
    public let state: any StateReader
    public let silences: any SilenceEndpoint
    public let delivery: any DeliveryMetricsSource
    /// The recorded history behind `/api/v1/query_range` and the other Prometheus-style
    /// read endpoints; `NoHistory` (the default) answers them 503.
    public let history: any HistoryEndpoint
    /// Wall time, for ranges written relative to now (`from=6h`).
    let now: @Sendable () -> Date
    /// Counts the requests answered (the daemon releases serving's pages when they stop).
    public let activity: ServingActivity

    public init(
        settings: ServerSettings, state: any StateReader,
        silences: any SilenceEndpoint = NoSilences(), delivery: any DeliveryMetricsSource = NoDeliveryMetrics(),
        history: any HistoryEndpoint = NoHistory(), now: @escaping @Sendable () -> Date = { Date() },
        activity: ServingActivity = ServingActivity()
    ) {
        self.now = now
        self.activity = activity
        self.settings = settings
        self.state = state
        self.silences = silences
        self.delivery = delivery
        self.history = history
    }

    /// The router with every route.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        MetricsRoutes.add(to: router, state: state, delivery: delivery)
        HealthRoutes.add(to: router, state: state)
        APIRoutes.add(to: router, state: state, silences: silences, token: BearerToken(settings.token))
        QueryRoutes.add(to: router, history: history)
        AlertHistoryRoutes.add(to: router, history: history, now: now)
        DashboardRoutes.add(to: router)
        return router
    }

    /// What keeps a server with `settings` from starting, checked before anything starts:
    /// exposure without a token, an unreadable token file, unusable TLS files, an address
    /// that cannot be bound. Nil when it can start.
    public static func startupProblem(_ settings: ServerSettings, logger: Logger) -> String? {
        guard settings.enabled else { return nil }
        if let problem = settings.exposureProblem { return problem }
        if case .file(let file)? = settings.token?.source, case .failure(let error) = BearerToken.read(file: file) { return error.message }
        if let tls = settings.tls {
            do { _ = try ServerTLSContext(settings: tls, logger: logger) } catch { return "\(error)" }
        }
        return settings.listen.port == 0 ? nil : ListenProbe.problem(binding: settings.listen)
    }

    /// The server as a service of the daemon's group. `onListening` receives the bound port
    /// (useful with port 0). Refuses settings that would expose the host without a token, a
    /// token file that cannot be read, and TLS files that cannot be used (the error names the
    /// key, the file and the problem).
    public func service(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> any Service {
        if let problem = settings.exposureProblem { throw ServerSettingsError(message: problem) }
        if case .file(let file)? = settings.token?.source { _ = try BearerToken.read(file: file).get() }
        let listen = settings.listen
        var server = HTTPServerBuilder.http1()
        if let tls = settings.tls {
            let context = try ServerTLSContext(settings: tls, logger: logger)
            server = HTTPServerBuilder { responder in
                TLSHTTPChannel(base: HTTP1Channel(responder: responder), tls: context)
            }
        }
        return ListeningService(
            responder: router().buildResponder(), server: server, listen: listen, activity: activity, logger: logger, onListening: onListening)
    }
}

/// Serves the router the way Hummingbird's `Application` does, minus its date-cache task,
/// which wakes the whole process every second whether anyone scrapes or not: the `Date`
/// header is formatted when a response needs it (`HTTPDate`). A bind failure reads like
/// the check at start (`ListenProbe`): a port taken between the check and the bind is still
/// one clear line.
private struct ListeningService: Service {
    let responder: RouterResponder<BasicRequestContext>
    let server: HTTPServerBuilder
    let listen: ListenAddress
    let activity: ServingActivity
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    func run() async throws {
        let responder = self.responder
        let date = HTTPDate()
        let logger = self.logger
        let listen = self.listen
        let onListening = self.onListening
        let activity = self.activity
        let service = try server.buildServer(
            configuration: ServerConfiguration(address: .hostname(listen.host, port: listen.port), serverName: "headroom"),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger
        ) { request, writer, channel in
            let context = BasicRequestContext(source: .init(channel: channel, logger: logger))
            var response: Response
            do {
                response = try await responder.respond(to: request, context: context)
            } catch let error as HTTPParserError {
                throw error // the channel answers a malformed request itself
            } catch {
                logger.debug("unhandled error in a route", metadata: ["error": "\(error)"])
                response = Response(status: .internalServerError)
            }
            response.headers[.date] = date.header(secondsSince1970: Int(Date.now.timeIntervalSince1970))
            response.headers[.server] = "headroom"
            try await writer.write(response: response.head, body: response.body)
            activity.count()
        } onServerRunning: { channel in
            await onListening(channel.localAddress?.port ?? listen.port)
        }
        do {
            try await service.run()
        } catch let error as IOError where [EADDRINUSE, EACCES, EADDRNOTAVAIL].contains(error.errnoCode) {
            throw ServerSettingsError(message: ListenProbe.message(listen, errno: error.errnoCode))
        }
    }
}

/// Settings the server refuses to run with.
public struct ServerSettingsError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
