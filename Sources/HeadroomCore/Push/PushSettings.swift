/// Pushing samples as InfluxDB line protocol (YAML `push:`).
public struct PushSettings: Sendable, Hashable {
    /// Where the lines go and how the request looks.
    public enum WriteProtocol: String, Sendable, Hashable, CaseIterable {
        /// InfluxDB 1.x `POST /write?db=…` (basic auth not supported; use `token` for 1.8's v2 API).
        case influxV1 = "influx_v1"
        /// InfluxDB 2.x `POST /api/v2/write?org=…&bucket=…` with `Authorization: Token …`.
        case influxV2 = "influx_v2"
        /// VictoriaMetrics `POST /write` (its InfluxDB endpoint).
        case victoriaMetrics = "victoriametrics"
    }

    public var enabled: Bool
    /// Base URL, e.g. `http://127.0.0.1:8428` (YAML `push.url`).
    public var url: String
    public var `protocol`: WriteProtocol
    public var database: String?
    public var org: String?
    public var bucket: String?
    public var token: Secret?
    /// How often the buffer is flushed (YAML `push.interval`, default 10s).
    public var interval: Duration
    /// Lines per request (YAML `push.batch_size`, default 5000).
    public var batchSize: Int
    /// Lines kept while the server is unreachable (YAML `push.buffer_size`, default 100000).
    public var bufferSize: Int
    /// gzip the request bodies (YAML `push.gzip`, default true).
    public var gzip: Bool
    /// Per-request timeout (YAML `push.timeout`, default 10s).
    public var timeout: Duration
    /// How an `https://` url is verified (YAML `push.tls`, default the system's roots, no
    /// client certificate).
    public var tls: TLSSettings

    public init(
        enabled: Bool = false, url: String = "", protocol: WriteProtocol = .victoriaMetrics, database: String? = nil,
        org: String? = nil, bucket: String? = nil, token: Secret? = nil, interval: Duration = .seconds(10),
        batchSize: Int = 5000, bufferSize: Int = 100_000, gzip: Bool = true, timeout: Duration = .seconds(10),
        tls: TLSSettings = TLSSettings()
    ) {
        self.enabled = enabled
        self.url = url
        self.protocol = `protocol`
        self.database = database
        self.org = org
        self.bucket = bucket
        self.token = token
        self.interval = interval
        self.batchSize = batchSize
        self.bufferSize = bufferSize
        self.gzip = gzip
        self.timeout = timeout
        self.tls = tls
    }

    /// The write URL for the protocol (query values percent-encoded).
    public var writeURL: String {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        switch self.protocol {
        case .influxV1: return base + "/write?db=" + TextEscaping.percentEncoded(database ?? "headroom") + "&precision=ns"
        case .influxV2:
            return base + "/api/v2/write?org=" + TextEscaping.percentEncoded(org ?? "") + "&bucket=" + TextEscaping.percentEncoded(bucket ?? "headroom")
                + "&precision=ns"
        case .victoriaMetrics: return base + "/write"
        }
    }

    /// Request headers besides content type and encoding.
    public var authorizationHeader: String? {
        guard let token = token?.inlineValue else { return nil }
        switch self.protocol {
        case .influxV2, .influxV1: return "Token " + token
        case .victoriaMetrics: return "Bearer " + token
        }
    }
}
