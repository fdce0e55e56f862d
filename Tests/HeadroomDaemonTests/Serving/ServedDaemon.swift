import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import HeadroomDaemon
import HeadroomServer
import Logging
import ServiceLifecycle
import Testing

/// Runs a daemon's HTTP server in this process on a free loopback port, for one test.
final class ServedServer: Sendable {
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(_ server: HTTPServer) async throws {
        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let service = try server.service(logger: logger) { port in continuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: logger))
        self.group = group
        task = Task { try await group.run() }
        var bound: Int?
        for await port in ports {
            bound = port
            break
        }
        port = try #require(bound)
    }

    /// GET (or another method) `path`; returns status, headers and body.
    func request(_ path: String, method: String = "GET", headers: [String: String] = [:], body: String? = nil)
        async throws -> (status: Int, headers: [String: String], body: String)
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields[String(describing: key).lowercased()] = String(describing: value) }
        return (http.statusCode, fields, String(decoding: data, as: UTF8.self))
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
