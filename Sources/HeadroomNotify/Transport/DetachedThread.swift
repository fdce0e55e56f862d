import CLinuxShims
import Glibc

/// Starts `body` on a new detached POSIX thread named `name` (at most 15 bytes show in
/// `/proc/PID/task/*/comm`). For the few threads Headroom owns outright: the sampling round
/// and the collector watchdog, which sleep in the kernel rather than in a pool, a push
/// request's blocking socket, a child process's `waitid` and pipe reads (Subprocess,
/// PipeReader). It lives here, below the daemon, so the exec channel shares it. (Foundation's `Thread`
/// would do the same, but one reference to it links all of swift-corelibs-foundation.)
package enum DetachedThread {
    private final class Body {
        let name: String
        let run: @Sendable () -> Void
        init(name: String, run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }

    package static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(name: name, run: body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { raw in
                let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
                _ = pthread_setname_np(pthread_self(), String(body.name.utf8.prefix(15))!)
                body.run()
                return nil
            }, context)
        // Out of threads is not a state the daemon can run in (the kernel's limit, or memory).
        precondition(status == 0, "pthread_create failed: \(status)")
        pthread_detach(thread)
    }
}
