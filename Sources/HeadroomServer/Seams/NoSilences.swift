/// The default `SilenceEndpoint`: no silences exist, and creating one answers 501 until the
/// silence engine is wired in.
public struct NoSilences: SilenceEndpoint {
    public init() {}
    public func list() async -> SilenceResult { SilenceResult(status: 200, json: "[]") }
    public func create(_ body: [UInt8]) async -> SilenceResult {
        SilenceResult(status: 501, json: #"{"error":"silences are not available in this build"}"#)
    }
    public func expire(id: String) async -> SilenceResult {
        SilenceResult(status: 404, json: #"{"error":"no such silence"}"#)
    }
}
