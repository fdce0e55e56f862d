public import HeadroomCore

/// One HTTP request, as a channel builds it (pure data; the URL may hold a secret and is
/// never printed).
public struct HTTPRequest: Sendable, Hashable {
    public var method: String
    public var url: String
    /// Header names and values, in order.
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(method: String = "POST", url: String, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The first value of a header (names compare case-insensitively).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// One header line.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// What came back.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Sends HTTP requests: the I/O seam of every webhook channel.
///
/// Implementation requirements:
/// - Verify server certificates, always; trust `tls.caFile` instead of the system roots
///   when it is set, and present `tls.clientCertificateFile`/`clientKeyFile` when set.
/// - Do not follow redirects (a redirect could carry a secret to another host).
/// - Throw `.retryable` for connection and timeout errors, with a message that names
///   neither the URL nor any header value.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest, tls: TLSSettings, timeout: Duration) async throws(DeliveryError) -> HTTPResponse
}
