import AsyncHTTPClient
public import HeadroomCore
import NIOCore
import NIOHTTP1
import NIOSSL

/// The real `HTTPTransport`: AsyncHTTPClient over SwiftNIO, certificate verification
/// always on, redirects never followed.
public struct LiveHTTPTransport: HTTPTransport {
    /// One client for the process, never shut down (like `HTTPClient.shared`, but without
    /// redirects and with bounded connect time).
    ///
    /// A refused or failed connect fails the request at once. AsyncHTTPClient's default
    /// instead keeps requests waiting while it retries the host with a backoff that grows to
    /// 60 s, so an outage surfaced only as the request's timeout and requests resumed up to a
    /// minute after the server was back. The callers retry on their own terms: the outbox
    /// with its backoff, push on its next interval.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(2))
        configuration.tlsConfiguration = .makeClientConfiguration()
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The largest response body read; a longer one fails the request.
    let responseLimit: Int

    /// A transport; `responseLimit` bounds the body read (1 MiB suits a channel's answer, a
    /// Prometheus range query needs more).
    public init(responseLimit: Int = 1 << 20) {
        self.responseLimit = responseLimit
    }

    public func send(_ request: HTTPRequest, tls: TLSSettings, timeout: Duration) async throws(DeliveryError) -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        outgoing.tlsConfiguration = try Self.tlsConfiguration(tls)
        do {
            let deadline = TimeAmount.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
            let response = try await Self.client.execute(outgoing, timeout: deadline)
            var body = try await response.body.collect(upTo: responseLimit)
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            return HTTPResponse(
                status: Int(response.status.code),
                headers: response.headers.map { HTTPHeader($0.name, $0.value) }, body: bytes)
        } catch let error as DeliveryError {
            throw error
        } catch {
            throw .retryable(Self.describe(error))
        }
    }

    /// A client TLS configuration that always verifies the peer.
    static func tlsConfiguration(_ settings: TLSSettings) throws(DeliveryError) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        if let caFile = settings.caFile { configuration.trustRoots = .file(caFile) }
        if let certificateFile = settings.clientCertificateFile {
            guard let keyFile = settings.clientKeyFile else {
                throw .permanent("tls.cert_file is set without tls.key_file")
            }
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw .permanent("cannot load the client certificate \(certificateFile) or key \(keyFile): \(error)")
            }
        }
        return configuration
    }

    /// An error message that names the failure, never the URL.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: return "timed out"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: return "HTTP client error \(error.shortDescription)"
            }
        }
        if let error = error as? NIOSSLError {
            return "TLS failed (\(error)): check the server certificate and tls.ca_file"
        }
        if let error = error as? BoringSSLError {
            return "TLS failed (\(error)): check the server certificate and tls.ca_file"
        }
        let text = String(describing: error)
        if text.contains("certificate") || text.contains("CERTIFICATE") || text.contains("handshake") {
            return "TLS failed: the server certificate is not trusted (\(text.prefix(200)))"
        }
        return "connection failed: \(text.prefix(200))"
    }
}
