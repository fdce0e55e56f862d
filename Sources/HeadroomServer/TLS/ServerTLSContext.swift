#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import HeadroomCore
import Logging
import NIOSSL
import Synchronization

/// The server's TLS context, re-read when a certificate file changes on disk.
///
/// Every new connection asks for `current()`, which compares the files' content (read
/// through symlinks, so a Kubernetes Secret volume's atomic `..data` swap counts) with what
/// was loaded. On a change the files are loaded again; if
/// they cannot be used (a key written before its certificate, say) the previous context
/// keeps serving and the problem is logged once per change. This is what lets cert-manager
/// or a renewal job rotate a certificate without restarting Headroom.
final class ServerTLSContext: Sendable {
    private struct Loaded {
        var stamps: [FileStamp?]
        var context: NIOSSLContext
    }

    private let settings: ServerTLSSettings
    private let logger: Logger
    private let loaded: Mutex<Loaded>

    /// Loads the files now; throws a `ServerSettingsError` naming the file and the problem.
    init(settings: ServerTLSSettings, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        let stamps = Self.stamps(settings)
        loaded = Mutex(Loaded(stamps: stamps, context: try Self.makeContext(settings)))
    }

    /// The context for a new connection, reloaded first if the files changed.
    func current() -> NIOSSLContext {
        let stamps = Self.stamps(settings)
        return loaded.withLock { loaded in
            guard loaded.stamps != stamps else { return loaded.context }
            loaded.stamps = stamps
            do {
                loaded.context = try Self.makeContext(settings)
                logger.info("server TLS certificate reloaded", metadata: ["cert_file": "\(settings.certificateFile)"])
            } catch {
                logger.error("server TLS files changed but cannot be used; still serving the previous certificate",
                             metadata: ["error": "\(error)"])
            }
            return loaded.context
        }
    }

    /// TLS 1.2 or newer, the chain and key given, client certificates required when a client CA is.
    static func makeContext(_ settings: ServerTLSSettings) throws -> NIOSSLContext {
        let chain = try load("server.tls.cert_file", settings.certificateFile, what: "a PEM certificate") {
            try NIOSSLCertificate.fromPEMFile($0)
        }
        guard !chain.isEmpty else {
            throw ServerSettingsError(message: "server.tls.cert_file \(settings.certificateFile): no PEM certificate in it")
        }
        let key = try load("server.tls.key_file", settings.keyFile, what: "a PEM private key") {
            try NIOSSLPrivateKey(file: $0, format: .pem)
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let caFile = settings.clientCAFile {
            let roots = try load("server.tls.client_ca_file", caFile, what: "PEM CA certificates") {
                try NIOSSLCertificate.fromPEMFile($0)
            }
            guard !roots.isEmpty else {
                throw ServerSettingsError(message: "server.tls.client_ca_file \(caFile): no PEM certificate in it")
            }
            configuration.trustRoots = .certificates(roots)
            configuration.certificateVerification = .noHostnameVerification
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw ServerSettingsError(message: "server.tls: \(settings.certificateFile) and \(settings.keyFile) cannot be used together "
                + "(is the key the certificate's own?): \(error)")
        }
    }

    /// Runs `body` on a readable file, turning failures into a message with the key and path.
    private static func load<T>(_ key: String, _ path: String, what: String, _ body: (String) throws -> T) throws -> T {
        if access(path, R_OK) != 0 {
            let reason = String(cString: strerror(errno))
            throw ServerSettingsError(message: "\(key) \(path): cannot be read (\(reason))")
        }
        do {
            return try body(path)
        } catch {
            throw ServerSettingsError(message: "\(key) \(path): expected \(what), could not parse it (\(error))")
        }
    }

    private static func stamps(_ settings: ServerTLSSettings) -> [FileStamp?] {
        [settings.certificateFile, settings.keyFile, settings.clientCAFile].map { $0.flatMap(FileStamp.init(path:)) }
    }
}

/// One version of a file: its bytes (certificates and keys are a few kilobytes). Compared by
/// content rather than by `stat`, so a rewrite within the same second, or a Secret volume's
/// swap behind an unchanged symlink, is seen all the same.
struct FileStamp: Equatable {
    var content: Data

    init?(path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        content = data
    }
}
