import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import HeadroomNotify
import HeadroomTesting
import Synchronization
import Testing

/// Debian's real `chromium`, headless, driven through `chromedriver` over the W3C WebDriver
/// protocol (JSON over HTTP on loopback): the same browser a person opens, without Selenium.
final class WebDriver: Sendable {
    private let driver: ExternalProcess
    private let port: Int
    let session: String
    /// Set by `quit`; a driver dropped without it (a test that threw) is ended by `deinit`.
    private let ended = Atomic<Bool>(false)

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Starts chromedriver and a headless Chromium session with `language` as the browser's
    /// preferred language, the window `width` × `height` pixels.
    init(directory: borrowing TemporaryDirectory, language: String = "en-US", width: Int = 1280, height: Int = 1000) async throws {
        let chromedriver = try TestPeer.path("chromedriver", package: "chromium-driver")
        let chromium = try TestPeer.path("chromium", package: "chromium")
        port = try freeLoopbackPort()
        driver = try ExternalProcess(chromedriver, ["--port=\(port)"], directory: directory.url)
        do {
            session = try await Self.startSession(port: port, chromium: chromium, directory: directory, language: language, width: width, height: height)
        } catch {
            // The browser never came up: end chromedriver rather than leave it running.
            driver.process.signal(SIGTERM)
            throw Failure(description: "\(error)\n\(driver.log.suffix(2000))")
        }
    }

    private static func startSession(
        port: Int, chromium: String, directory: borrowing TemporaryDirectory, language: String, width: Int, height: Int
    ) async throws -> String {
        let ready = try await poll("chromedriver ready") {
            let answer = try? LoopbackHTTP.request(port: port, method: "GET", path: "/status", body: nil, timeoutSeconds: 2)
            return answer.map { String(decoding: $0.body, as: UTF8.self).contains(#""ready":true"#) } == true ? true : nil
        }
        guard ready == true else { throw Failure(description: "chromedriver did not start") }
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:loggingPrefs": ["browser": "ALL"],
                    "goog:chromeOptions": [
                        "binary": chromium,
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                            "--window-size=\(width),\(height)", "--lang=\(language)", "--no-first-run",
                            "--user-data-dir=\(directory.path("chromium-profile-\(language)"))",
                        ],
                        "prefs": ["intl.accept_languages": language],
                    ],
                ]
            ]
        ]
        let answer = try await Self.send(port: port, "POST", "/session", capabilities)
        guard let value = answer["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            throw Failure(description: "no session: \(answer)")
        }
        return id
    }

    deinit {
        if !ended.load(ordering: .relaxed) { driver.process.signal(SIGTERM) }
    }

    /// Ends the session (Chromium exits) and chromedriver.
    func quit() async {
        ended.store(true, ordering: .relaxed)
        _ = try? await Self.send(port: port, "DELETE", "/session/\(session)", nil)
        try? await driver.stop()
    }

    func open(_ url: String) async throws { _ = try await command("POST", "url", ["url": url]) }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page and returns its value.
    func run(_ script: String, _ args: [Any] = []) async throws -> Any? {
        try await command("POST", "execute/sync", ["script": script, "args": args])
    }

    /// Polls `script` until it returns something other than null/false, or fails after `timeout`.
    func wait(for what: String, timeout: Duration = .seconds(30), _ script: String) async throws -> Any {
        let found = try await poll(what, timeout: timeout) { () async throws -> Any? in
            let value = try await run(script)
            if value == nil || value is NSNull || (value as? Bool) == false { return nil }
            return value
        }
        guard let found else { throw Failure(description: "timed out waiting for \(what)") }
        return found
    }

    /// Clicks the first element matching the CSS `selector`.
    func click(_ selector: String) async throws { _ = try await command("POST", "element/\(try element(selector))/click", [:]) }

    /// Types `text` into the first element matching `selector`.
    func type(_ selector: String, _ text: String) async throws {
        _ = try await command("POST", "element/\(try element(selector))/value", ["text": text])
    }

    private func element(_ selector: String) async throws -> String {
        let value = try await command("POST", "element", ["using": "css selector", "value": selector])
        guard let found = value as? [String: Any], let id = found.values.first as? String else {
            throw Failure(description: "no element \(selector): \(String(describing: value))")
        }
        return id
    }

    /// Resizes the window (CSS pixels of the viewport, near enough for layout checks).
    func resize(width: Int, height: Int) async throws {
        _ = try await command("POST", "window/rect", ["width": width, "height": height])
    }

    /// Emulates the operating system's colour scheme (`prefers-color-scheme`) through the
    /// DevTools protocol, as a person who switched to dark mode would have it.
    func prefersColorScheme(_ scheme: String) async throws {
        _ = try await command(
            "POST", "goog/cdp/execute",
            ["cmd": "Emulation.setEmulatedMedia", "params": ["features": [["name": "prefers-color-scheme", "value": scheme]]]])
    }

    /// The page as PNG: the window's viewport.
    func screenshot() async throws -> Data {
        guard let text = try await command("GET", "screenshot", nil) as? String, let data = Data(base64Encoded: text) else {
            throw Failure(description: "no screenshot")
        }
        return data
    }

    /// The browser console's entries since the last call: (level, message).
    func consoleEntries() async throws -> [(level: String, message: String)] {
        let value = try await command("POST", "se/log", ["type": "browser"])
        return (value as? [[String: Any]] ?? []).map { (($0["level"] as? String) ?? "", ($0["message"] as? String) ?? "") }
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        let answer = try await Self.send(port: port, method, "/session/\(session)/\(path)", body)
        if let value = answer["value"] as? [String: Any], let error = value["error"] as? String {
            throw Failure(description: "\(path): \(error): \(value["message"] ?? "")")
        }
        return answer["value"]
    }

    private static func send(port: Int, _ method: String, _ path: String, _ body: [String: Any]?) async throws -> [String: Any] {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let answer = try LoopbackHTTP.request(port: port, method: method, path: path, body: payload)
        return (try JSONSerialization.jsonObject(with: answer.body) as? [String: Any]) ?? [:]
    }
}

/// HTTP/1.1 over a plain loopback socket, one request per connection. chromedriver writes
/// `Content-Length:252` with no space, which Foundation's URLSession on Linux does not read.
enum LoopbackHTTP {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func request(port: Int, method: String, path: String, body: Data?, timeoutSeconds: Int = 60) throws -> (status: Int, body: Data) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect 127.0.0.1:\(port): errno \(errno)") }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        var message = Data((head + "\r\n").utf8)
        if let body { message.append(body) }
        try message.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
                sent += n
            }
        }
        // chromedriver keeps the connection open even after `Connection: close`: read the head,
        // then as many bytes as its Content-Length says.
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var expected: Int?
        var bodyStart = 0
        while expected.map({ response.count < bodyStart + $0 }) ?? true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { break }
            guard n > 0 else { throw Failure(description: "recv: errno \(errno)") }
            response.append(contentsOf: buffer[0..<n])
            if expected == nil, let split = response.firstRange(of: Data("\r\n\r\n".utf8)) {
                bodyStart = split.upperBound
                let head = String(decoding: response[..<split.lowerBound], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                expected = length.flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? Int.max
            }
        }
        let statusLine = String(decoding: response.prefix(64), as: UTF8.self).split(separator: " ")
        let status = statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0
        let end = expected.map { min(response.count, bodyStart + $0) } ?? response.count
        return (status, Data(response[bodyStart..<end]))
    }
}

/// Where screenshots go for a person to look at: `$HEADROOM_SCREENSHOT_DIR`, else
/// `.build/screenshots` in the package.
func screenshotDirectory() throws -> URL {
    let environment = ProcessInfo.processInfo.environment
    let path =
        environment["HEADROOM_SCREENSHOT_DIR"]
        ?? URL(fileURLWithPath: FakeNVML.buildDirectory).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("screenshots").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return URL(fileURLWithPath: path)
}
