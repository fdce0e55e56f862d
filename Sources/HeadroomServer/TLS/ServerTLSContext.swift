import Foundation
import HeadroomCore
import Logging
import NIOSSL
import Synchronization

/// The server's TLS context, re-read when a certificate file changes on disk.
///
/// Every new connection asks for `current()`, which reads the files (a few kilobytes, through
/// symlinks, so a Kubernetes Secret volume's atomic `..data` swap counts) and compares their
/// bytes with the ones the context was built from. On a change the context is built again
/// from the bytes just read; if they cannot be used (a key written before its certificate,
/// say) the previous context keeps serving and the problem is logged once per change. This
/// is what lets cert-manager or a renewal job rotate a certificate without a restart.
final class ServerTLSContext: Sendable {
    private struct Loaded {
        var files: TLSFiles
        var context: NIOSSLContext
    }

    private let settings: ServerTLSSettings
    private let logger: Logger
    private let loaded: Mutex<Loaded>

    /// Loads the files now; throws a `ServerSettingsError` naming the key, the file and the problem.
    init(settings: ServerTLSSettings, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        let files = TLSFiles(settings)
        loaded = Mutex(Loaded(files: files, context: try Self.makeContext(files, settings)))
    }

    /// The context for a new connection, rebuilt first if the files changed.
    func current() -> NIOSSLContext {
        let files = TLSFiles(settings)
        return loaded.withLock { loaded in
            guard loaded.files != files else { return loaded.context }
            loaded.files = files
            do {
                loaded.context = try Self.makeContext(files, settings)
                logger.info("server TLS certificate reloaded", metadata: ["cert_file": "\(settings.certificateFile)"])
            } catch {
                logger.error(
                    "server TLS files changed but cannot be used; still serving the previous certificate",
                    metadata: ["error": "\(error)"])
            }
            return loaded.context
        }
    }

    /// TLS 1.2 or newer, the chain and key given, client certificates required when a client CA is.
    private static func makeContext(_ files: TLSFiles, _ settings: ServerTLSSettings) throws -> NIOSSLContext {
        let chain = try parse(files.certificate, "server.tls.cert_file", what: "a PEM certificate") {
            try NIOSSLCertificate.fromPEMBytes($0)
        }
        guard !chain.isEmpty else {
            throw ServerSettingsError(message: "server.tls.cert_file \(settings.certificateFile): no PEM certificate in it")
        }
        let key = try parse(files.key, "server.tls.key_file", what: "a PEM private key") {
            try NIOSSLPrivateKey(bytes: $0, format: .pem)
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCA = files.clientCA {
            let roots = try parse(clientCA, "server.tls.client_ca_file", what: "PEM CA certificates") {
                try NIOSSLCertificate.fromPEMBytes($0)
            }
            guard !roots.isEmpty else {
                throw ServerSettingsError(message: "server.tls.client_ca_file \(clientCA.path): no PEM certificate in it")
            }
            configuration.trustRoots = .certificates(roots)
            configuration.certificateVerification = .noHostnameVerification
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw ServerSettingsError(
                message: "server.tls: \(settings.certificateFile) and \(settings.keyFile) cannot be used together "
                    + "(is the key the certificate's own?): \(error)")
        }
    }

    /// Runs `body` on a file's bytes, turning failures into a message with the key and path.
    private static func parse<T>(_ file: FileBytes, _ key: String, what: String, _ body: ([UInt8]) throws -> T) throws -> T {
        guard let bytes = file.bytes else {
            throw ServerSettingsError(message: "\(key) \(file.path): cannot be read (\(file.problem ?? "unknown error"))")
        }
        do {
            return try body(bytes)
        } catch {
            throw ServerSettingsError(message: "\(key) \(file.path): expected \(what), could not parse it (\(error))")
        }
    }
}

/// The TLS files' bytes at one moment: what a context is built from, and what tells whether
/// the files changed since.
private struct TLSFiles: Equatable {
    var certificate: FileBytes
    var key: FileBytes
    var clientCA: FileBytes?

    init(_ settings: ServerTLSSettings) {
        certificate = FileBytes(settings.certificateFile)
        key = FileBytes(settings.keyFile)
        clientCA = settings.clientCAFile.map(FileBytes.init)
    }
}

/// One file's content, or why it could not be read.
private struct FileBytes: Equatable {
    var path: String
    var bytes: [UInt8]?
    var problem: String?

    init(_ path: String) {
        self.path = path
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            problem = (error as NSError).localizedDescription
        }
    }
}
