import HeadroomCore
import HeadroomTop
import Testing

@Suite("The daemon's URL")
struct DaemonURLTests {
    @Test("from server.listen: loopback for every-interface addresses, https with TLS")
    func fromListen() {
        #expect(DaemonURL.from(listen: .default, https: false) == "http://127.0.0.1:19400")
        #expect(DaemonURL.from(listen: ListenAddress(host: "0.0.0.0", port: 9000), https: true) == "https://127.0.0.1:9000")
        #expect(DaemonURL.from(listen: ListenAddress(host: "::", port: 19400), https: false) == "http://[::1]:19400")
        #expect(DaemonURL.from(listen: ListenAddress(host: "10.0.0.7", port: 19400), https: false) == "http://10.0.0.7:19400")
    }

    @Test("--url must be http(s) with a host; the message says what to give")
    func check() {
        #expect(DaemonURL.problem("http://127.0.0.1:19400") == nil)
        #expect(DaemonURL.problem("https://gpu-01.example:19400/") == nil)
        #expect(DaemonURL.problem("127.0.0.1:19400")?.hasPrefix("--url \"127.0.0.1:19400\" is not an http(s) URL") == true)
        #expect(DaemonURL.problem("ftp://x") != nil)
    }
}
