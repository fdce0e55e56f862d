import ArgumentParser
import HeadroomCore
import HeadroomNotify

/// `--ca-file`, `--cert-file`, `--key-file`: how a command that talks to a server over https
/// verifies it and presents a client certificate (`headroom top` to a daemon, `headroom
/// backtest` to a Prometheus-API server).
struct ClientTLSOptions: ParsableArguments {
    @Option(help: "CA bundle (PEM) to verify an https server with (default: the system's roots).")
    var caFile: String?

    @Option(help: "Client certificate (PEM) for a server that asks for one.")
    var certFile: String?

    @Option(help: "The client certificate's private key (PEM).")
    var keyFile: String?

    /// The settings; exits 2 when only one of the certificate and its key is given.
    func settings() throws -> TLSSettings {
        if (certFile == nil) != (keyFile == nil) {
            printError("--cert-file and --key-file go together: give both, or neither")
            throw ExitCode(2)
        }
        return TLSSettings(caFile: caFile, clientCertificateFile: certFile, clientKeyFile: keyFile)
    }
}
