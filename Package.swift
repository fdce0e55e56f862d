// swift-tools-version:6.2
import PackageDescription

/// Upcoming features every Headroom target opts into (as Hummingbird does):
/// `import` without `public` keeps dependencies out of a target's interface.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "headroom",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "headroom", targets: ["headroom"]),
        .executable(name: "headroom-bench", targets: ["HeadroomBench"]),
        // Test doubles of libnvidia-ml.so.1 (a current and an R470-era driver), built as real
        // shared objects so tests load them through Headroom's production dlopen path.
        .library(name: "FakeNVML", type: .dynamic, targets: ["FakeNVML"]),
        .library(name: "FakeNVMLLegacy", type: .dynamic, targets: ["FakeNVMLLegacy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Delivery (issue 4): HTTPS webhooks, TLS, HMAC signing.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", "4.5.2"..<"5.0.0"),
        // Serving (issue 5): the HTTP server for /metrics, health, readiness and the JSON API.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // History (issue 13): SQLite, compiled in (sqlite-nio vendors the amalgamation with
        // prefixed symbols); Headroom calls its C API directly, not the NIO wrapper.
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
    ],
    targets: [
        // Pure domain: samples, rules, alert state, notifications. No I/O, never reads a clock.
        .target(name: "HeadroomCore", swiftSettings: swiftSettings),

        // NVML's C ABI (types and function-pointer types); the library itself is dlopen'ed.
        .target(name: "CNVML"),
        // The fakes declare NVML's ABI themselves (Sources/FakeNVML/fake_nvml_abi.h), never
        // through CNVML: NVMLABITests compares the two sides instead of letting one mirror the other.
        .target(name: "FakeNVML"),
        .target(name: "FakeNVMLLegacy"),

        // Reads the host through an injectable root directory, and the GPUs through NVML.
        .target(
            name: "HeadroomCollectors",
            dependencies: [
                "HeadroomCore",
                "CNVML",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The configuration's YAML as values: the node tree the loader decodes (with where each
        // value came from), the reader that collects every problem, and the YAML writer. Pure,
        // without a YAML parser, so each channel reads and writes its own keys in its folder.
        .target(name: "HeadroomConfigSyntax", dependencies: ["HeadroomCore"], swiftSettings: swiftSettings),

        // Delivers notifications: the one Notifier protocol and its channels. Also the threads,
        // processes and time that delivery and the daemon share (Transport, Timing: the injected
        // DaemonClock, which delivery's disk patience runs on too). CLinuxShims: posix_spawn,
        // thread naming, the monotonic condition variable and timer.
        .target(
            name: "HeadroomNotify",
            dependencies: [
                "HeadroomCore",
                "HeadroomConfigSyntax",
                "CLinuxShims",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // YAML text + environment dictionary -> validated configuration. Does no I/O itself.
        .target(
            name: "HeadroomConfig",
            dependencies: [
                "HeadroomCore",
                "HeadroomCollectors",
                "HeadroomConfigSyntax",
                "HeadroomNotify",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // zlib, for gzip-compressed push bodies (zlib1g-dev at build time, zlib1g at run time).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Linux calls Glibc does not export: timerfd(2) for the collector watchdog, thread names,
        // posix_spawn's chdir and closefrom actions.
        .systemLibrary(name: "CLinuxShims"),

        // The dashboard served at `/` (issue 14): its page, script and style, and dygraphs
        // (Debian's libjs-dygraphs, MIT; scripts/vendor-dygraphs.sh), embedded in the binary.
        .target(
            name: "HeadroomDashboard",
            resources: [
                .embedInCode("Assets/index.html"),
                .embedInCode("Assets/dashboard.js"),
                .embedInCode("Assets/dashboard.css"),
                .embedInCode("Assets/dygraph.min.js"),
                .embedInCode("Assets/dygraph.min.css"),
                .embedInCode("Assets/dygraphs-LICENSE.txt"),
                .embedInCode("Assets/icon.svg"),
            ],
            swiftSettings: swiftSettings
        ),

        // HTTP endpoints (/metrics, /healthz, /readyz, JSON API). Reads state through `StateReader`.
        .target(
            name: "HeadroomServer",
            dependencies: [
                "HeadroomCore",
                "HeadroomDashboard",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // Composition root: services, state, wiring. A library so tests can build it.
        .target(
            name: "HeadroomDaemon",
            dependencies: [
                "HeadroomCore",
                "HeadroomCollectors",
                "HeadroomNotify",
                "HeadroomConfig",
                "HeadroomServer",
                "HeadroomHistory",
                "CZlib",
                "CLinuxShims",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // The executable: argument parsing only.
        .executableTarget(
            name: "headroom",
            dependencies: [
                "HeadroomDaemon",
                "HeadroomConfig",
                "HeadroomConfigSyntax",
                "HeadroomCore",
                "HeadroomCollectors",
                "HeadroomNotify",
                "HeadroomServer",
                "HeadroomHistory",
                "HeadroomTop",
                "CLinuxShims",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // The history store: compressed sample chunks (HeadroomCore/History) in a SQLite file.
        .target(
            name: "HeadroomHistory",
            dependencies: ["HeadroomCore", .product(name: "SQLiteNIO", package: "sqlite-nio")],
            swiftSettings: swiftSettings
        ),

        // `headroom top`'s pure part: the daemon's JSON read into a model, the key handling and
        // the layout of one frame (sparklines, memory bars). The terminal and HTTP are the
        // executable's.
        .target(name: "HeadroomTop", dependencies: ["HeadroomCore"], swiftSettings: swiftSettings),

        // Test support shared by the test targets.
        .target(
            name: "HeadroomTesting",
            dependencies: ["HeadroomCore", "HeadroomCollectors", "HeadroomNotify", "HeadroomDaemon"],
            swiftSettings: swiftSettings
        ),

        // Benchmarks: a C reader of the same files (the floor) and the harness.
        .target(name: "CReadFloor", path: "Benchmarks/CReadFloor"),
        .executableTarget(
            name: "HeadroomBench",
            dependencies: [
                "HeadroomCore", "HeadroomCollectors", "HeadroomConfig", "HeadroomDaemon", "HeadroomHistory", "HeadroomNotify", "HeadroomTesting",
                "CReadFloor",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/HeadroomBench",
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "HeadroomHistoryTests",
            dependencies: ["HeadroomHistory", "HeadroomCore", "HeadroomTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeadroomTopTests",
            dependencies: ["HeadroomTop", "HeadroomCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeadroomCoreTests",
            dependencies: ["HeadroomCore", "HeadroomTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeadroomCollectorsTests",
            dependencies: ["HeadroomCollectors", "HeadroomCore", "HeadroomTesting", "CNVML"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeadroomNotifyTests",
            dependencies: [
                "HeadroomNotify", "HeadroomCore", "HeadroomTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Support/receiver.py", "Support/smtp_receiver.py", "Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeadroomServerTests",
            dependencies: ["HeadroomServer", "HeadroomCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeadroomConfigTests",
            dependencies: ["HeadroomConfig", "HeadroomConfigSyntax", "HeadroomCore", "HeadroomCollectors", "HeadroomNotify"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeadroomDaemonTests",
            dependencies: [
                "HeadroomDaemon", "HeadroomCore", "HeadroomCollectors", "HeadroomNotify",
                "HeadroomConfig", "HeadroomTesting",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
