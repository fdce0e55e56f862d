import HeadroomCollectors
import HeadroomConfigSyntax
import HeadroomCore
import HeadroomNotify

/// Decodes the top-level settings: `interval`, `hostname`, `collectors`, `alerting`, `log`
/// and `default_rules` (the `rules` and `channels` lists have their own decoders).
enum SettingsDecoder {
    static let rootKeys =
        ["interval", "hostname", "collectors", "alerting", "default_rules", "rules", "channels", "log", "server", "push", "limits", "history"]
        + DeliveryDecoder.rootKeys
    static let collectorKeys = ["root", "timeout", "disabled", "cgroup_path", "nvml_library"]
    static let alertingKeys = ["repeat_interval", "inhibit", "stale_after", "flapping"]
    static let flappingKeys = ["window", "max_changes"]
    static let limitsKeys = ["max_series"]
    static let logKeys = ["level", "format"]
    static let serverKeys = ["enabled", "listen", "token", "token_file", "insecure", "tls"]
    static let serverTLSKeys = ["cert_file", "key_file", "client_ca_file"]
    static let pushKeys = [
        "enabled", "url", "protocol", "database", "org", "bucket", "token", "interval", "batch_size", "buffer_size", "gzip", "timeout", "tls",
    ]

    /// Every scalar (or comma-list) key path outside the `rules` and `channels` lists: what
    /// `HEADROOM_<PATH>` variables can set.
    static let scalarPaths: [[String]] =
        [["interval"], ["hostname"], ["default_rules"]]
        + collectorKeys.map { ["collectors", $0] }
        + alertingKeys.filter { $0 != "flapping" }.map { ["alerting", $0] }
        + flappingKeys.map { ["alerting", "flapping", $0] }
        + logKeys.map { ["log", $0] }
        + DeliveryDecoder.scalarPaths
        + serverKeys.filter { $0 != "tls" }.map { ["server", $0] }
        + serverTLSKeys.map { ["server", "tls", $0] }
        + pushKeys.filter { $0 != "tls" }.map { ["push", $0] }
        + TLSSettings.keys.map { ["push", "tls", $0] }
        + limitsKeys.map { ["limits", $0] }
        + HistoryDecoder.scalarPaths

    /// `default_rules`, default true.
    static func useDefaultRules(_ root: Fields, reader: inout NodeReader) -> Bool {
        reader.bool(root, "default_rules") ?? true
    }

    /// Fills the settings of `configuration` from the document's fields.
    static func decode(_ root: Fields, into configuration: inout HeadroomConfiguration, reader: inout NodeReader) {
        if let interval = reader.duration(root, "interval", minimum: .milliseconds(100)) {
            configuration.interval = interval
        }
        if let hostname = reader.string(root, "hostname", expected: "a host name") {
            if hostname.trimmingWhitespace().isEmpty {
                report(root, "hostname", "must not be empty; remove the key to use the system's host name", &reader)
            } else {
                configuration.hostname = hostname
            }
        }
        if let collectors = reader.fields(root, "collectors", allowed: collectorKeys, expected: "a mapping such as {root: /host, timeout: 2s}") {
            configuration.collectors = decodeCollectors(collectors, reader: &reader)
        }
        if let alerting = reader.fields(root, "alerting", allowed: alertingKeys, expected: "a mapping such as {repeat_interval: 30m}") {
            configuration.policy = decodeAlerting(alerting, reader: &reader)
        }
        if let limits = reader.fields(root, "limits", allowed: limitsKeys, expected: "a mapping such as {max_series: 50000}") {
            if let value = reader.integer(limits, "max_series", range: 100...10_000_000) { configuration.policy.maxSeries = value }
        }
        if let log = reader.fields(root, "log", allowed: logKeys, expected: "a mapping such as {level: info, format: text}") {
            if let level = reader.choice(log, "level", LogSettings.Level.self) { configuration.log.level = level }
            if let format = reader.choice(log, "format", LogSettings.Format.self) { configuration.log.format = format }
        }
        DeliveryDecoder.decode(root, into: &configuration.delivery, reader: &reader)
        if let server = reader.fields(root, "server", allowed: serverKeys, expected: "a mapping such as {listen: 127.0.0.1:19400}") {
            configuration.server = decodeServer(server, reader: &reader)
        }
        if let push = reader.fields(root, "push", allowed: pushKeys, expected: "a mapping such as {url: http://127.0.0.1:8428, protocol: victoriametrics}") {
            configuration.push = decodePush(push, reader: &reader)
        }
        HistoryDecoder.decode(root, into: &configuration.history, reader: &reader)
    }

    private static func decodeCollectors(_ fields: Fields, reader: inout NodeReader) -> CollectorSettings {
        var settings = CollectorSettings()
        if let root = reader.string(fields, "root", expected: "a directory") {
            if root.hasPrefix("/") {
                settings.root = root
            } else {
                report(fields, "root", "expected an absolute directory such as / or /host, got \"\(root)\"", &reader)
            }
        }
        if let timeout = reader.duration(fields, "timeout", minimum: .milliseconds(10)) {
            settings.timeout = timeout
        }
        if let node = fields["disabled"], let names = reader.names(node, fields.path("disabled")) {
            let known = CollectorName.allCases.map(\.rawValue)
            for (name, nameNode) in names where CollectorName(rawValue: name) == nil {
                reader.report(
                    nameNode, fields.path("disabled"), "\"\(name)\" is not a collector; the collectors are \(known.joined(separator: ", "))",
                    suggestion: Suggestions.didYouMean(name, known))
            }
            settings.disabled = Set(names.compactMap { CollectorName(rawValue: $0.name) })
        }
        if let path = reader.string(fields, "cgroup_path", expected: "a cgroup path") {
            if path.hasPrefix("/") {
                settings.cgroupPath = path
            } else {
                report(fields, "cgroup_path", "expected a path below the cgroup mount starting with /, such as /docker/abc, got \"\(path)\"", &reader)
            }
        }
        if let path = reader.string(fields, "nvml_library", expected: "a file path") {
            if path.hasPrefix("/") {
                settings.nvmlLibrary = path
            } else {
                report(fields, "nvml_library", "expected an absolute path such as /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1, got \"\(path)\"", &reader)
            }
        }
        return settings
    }

    private static func decodeServer(_ fields: Fields, reader: inout NodeReader) -> ServerSettings {
        var settings = ServerSettings()
        if let enabled = reader.bool(fields, "enabled") { settings.enabled = enabled }
        if let text = reader.string(fields, "listen", expected: "an address such as 127.0.0.1:19400") {
            if let address = ListenAddress.parse(text) {
                settings.listen = address
            } else {
                report(fields, "listen", "expected host:port such as 127.0.0.1:19400, [::1]:19400 or :19400 (all interfaces), got \"\(text)\"", &reader)
            }
        }
        if let token = reader.string(fields, "token", expected: "a bearer token") {
            if token.count < 16 {
                report(fields, "token", "a token of at least 16 characters is needed (for example the output of `openssl rand -hex 24`)", &reader)
            } else {
                settings.token = Secret(token)
            }
        }
        if let path = reader.string(fields, "token_file", expected: "a file path") {
            if !path.hasPrefix("/") {
                report(fields, "token_file", "expected an absolute path to a file holding the token, got \"\(path)\"", &reader)
            } else if settings.token != nil {
                report(fields, "token_file", "set either server.token or server.token_file, not both", &reader)
            } else {
                settings.token = .file(path)
            }
        }
        if let insecure = reader.bool(fields, "insecure") { settings.insecure = insecure }
        if let tls = reader.fields(
            fields, "tls", allowed: serverTLSKeys, expected: "a mapping such as {cert_file: /etc/headroom/tls.crt, key_file: /etc/headroom/tls.key}")
        {
            settings.tls = decodeServerTLS(tls, reader: &reader)
        }
        if let problem = settings.exposureProblem {
            report(fields, fields["listen"] == nil ? "insecure" : "listen", problem, &reader)
        }
        return settings
    }

    /// `server.tls`: both files, absolute; an empty mapping means no TLS.
    private static func decodeServerTLS(_ fields: Fields, reader: inout NodeReader) -> ServerTLSSettings? {
        var paths: [String: String] = [:]
        for key in serverTLSKeys {
            guard let path = reader.string(fields, key, expected: "a file path") else { continue }
            if path.hasPrefix("/") {
                paths[key] = path
            } else {
                report(fields, key, "expected an absolute path to a PEM file, got \"\(path)\"", &reader)
            }
        }
        guard !fields.values.isEmpty else { return nil }
        guard let certificate = paths["cert_file"], let key = paths["key_file"] else {
            for key in ["cert_file", "key_file"] where fields[key] == nil {
                reader.report(
                    fields.node, fields.path(key), "missing: HTTPS needs both tls.cert_file (PEM chain, leaf first) and tls.key_file (its PEM private key)")
            }
            return nil
        }
        return ServerTLSSettings(certificateFile: certificate, keyFile: key, clientCAFile: paths["client_ca_file"])
    }

    private static func decodePush(_ fields: Fields, reader: inout NodeReader) -> PushSettings {
        var settings = PushSettings()
        if let url = reader.string(fields, "url", expected: "an http:// or https:// URL") {
            if ["http://", "https://"].contains(where: { url.hasPrefix($0) && url.count > $0.count }) {
                settings.url = url
            } else {
                report(fields, "url", "expected an http:// or https:// URL such as http://127.0.0.1:8428, got \"\(url)\"", &reader)
            }
        }
        settings.enabled = reader.bool(fields, "enabled") ?? !settings.url.isEmpty
        if let value = reader.choice(fields, "protocol", PushSettings.WriteProtocol.self) { settings.protocol = value }
        if let value = reader.string(fields, "database", expected: "a database name") { settings.database = value }
        if let value = reader.string(fields, "org", expected: "an organisation") { settings.org = value }
        if let value = reader.string(fields, "bucket", expected: "a bucket") { settings.bucket = value }
        if let value = reader.string(fields, "token", expected: "an API token") { settings.token = Secret(value) }
        if let value = reader.duration(fields, "interval", minimum: .milliseconds(100)) { settings.interval = value }
        if let value = reader.integer(fields, "batch_size", range: 1...1_000_000) { settings.batchSize = value }
        if let value = reader.integer(fields, "buffer_size", range: 1...100_000_000) { settings.bufferSize = value }
        if let value = reader.bool(fields, "gzip") { settings.gzip = value }
        if let value = reader.duration(fields, "timeout", minimum: .milliseconds(100)) { settings.timeout = value }
        if let tls = TLSSettings(decoding: fields, reader: &reader) { settings.tls = tls }
        if settings.enabled && settings.url.isEmpty {
            report(fields, "enabled", "push needs a url, such as url: http://127.0.0.1:8428", &reader)
        }
        if settings.enabled && settings.protocol == .influxV2 && (settings.org ?? "").isEmpty {
            report(fields, "protocol", "influx_v2 needs org (and bucket, default headroom)", &reader)
        }
        return settings
    }

    private static func decodeAlerting(_ fields: Fields, reader: inout NodeReader) -> AlertPolicy {
        var policy = AlertPolicy()
        if let value = reader.duration(fields, "repeat_interval") { policy.repeatInterval = value }
        if let value = reader.bool(fields, "inhibit") { policy.inhibit = value }
        if let value = reader.duration(fields, "stale_after", minimum: .seconds(1)) { policy.staleAfter = value }
        if let flapping = reader.fields(fields, "flapping", allowed: flappingKeys, expected: "a mapping such as {window: 10m, max_changes: 6}") {
            if let value = reader.duration(flapping, "window", minimum: .seconds(1)) { policy.flapWindow = value }
            if let value = reader.integer(flapping, "max_changes", range: 0...10_000) { policy.flapMaxChanges = value }
        }
        return policy
    }

    private static func report(_ fields: Fields, _ key: String, _ message: String, _ reader: inout NodeReader) {
        if let node = fields[key] { reader.report(node, fields.path(key), message) }
    }
}
