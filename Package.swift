// swift-tools-version: 6.0
import PackageDescription

/// Every target: Swift 6 mode and the upcoming features the house style asks for.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Release builds of the engine's kernels and the readers drop the dynamic exclusivity checks
/// (swift_beginAccess/endAccess on class properties touched per row or per cell showed in perf);
/// debug builds, and so every test, keep them. Tried on Store and Pipeline too: no gain at 1 M
/// (first load 4.8 s either way), so they keep the checks.
let releaseUnchecked: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Mianshen",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mianshen", targets: ["mianshen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // libxml2, as GRDB wraps SQLite: a modulemap and a shim header only.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // Source files, locations, diagnostics and their caret rendering.
        .target(name: "Diagnostics", swiftSettings: strictSettings),
        // Schemas, field types, values, national-standard validators, row and quarantine records.
        .target(
            name: "Datasets",
            dependencies: ["Diagnostics", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        // Readers (CSV, JSON Lines, XML) and row validation against a schema. Release builds drop
        // the dynamic exclusivity checks here too, as in Evaluation: the readers keep their state in
        // class properties touched for every cell (swift_beginAccess/endAccess in perf of an XML
        // import's reader thread, the import's bottleneck). Debug builds and tests keep the checks.
        .target(
            name: "Ingest", dependencies: ["Datasets", "Diagnostics", "CLibXML2"],
            swiftSettings: strictSettings + releaseUnchecked
        ),
        // The only user of GRDB: migrations, profiles, import ledger, quarantine, change history.
        .target(
            name: "Store",
            dependencies: [
                "Datasets",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        // The rule language: source files, lexer (parser, checker and program to follow).
        .target(name: "RuleLanguage", dependencies: ["Diagnostics", "Datasets"], swiftSettings: strictSettings),
        // Evaluation of the compiled program; today the reference evaluator (one entity at a time).
        // Release builds drop the dynamic exclusivity checks in the engine's kernels: perf showed
        // swift_beginAccess/endAccess and their thread-local access set high in a 1 M evaluation
        // (the chunk evaluator's buffers are class properties). Measured with both binaries run
        // alternately on 1 M residents + 200 k firms: compute 0.96–1.02 s → 0.51–0.56 s, the
        // same counts and the same results hash. Debug builds, and so every test, keep the checks.
        .target(
            name: "Evaluation", dependencies: ["RuleLanguage", "Datasets"],
            swiftSettings: strictSettings + releaseUnchecked
        ),
        // The compiled program as SQL (DuckDB, PostgreSQL, Trino) for the engine a province runs.
        .target(name: "SQLBackend", dependencies: ["RuleLanguage", "Datasets"], swiftSettings: strictSettings),
        // Realistic synthetic district data with a manifest of the rows it corrupted.
        .target(name: "Generator", dependencies: ["Datasets"], swiftSettings: strictSettings),
        // What a run produces for people: applications (XML via libxml2's xmlTextWriter, HTML via
        // Plot), analyst reports and reminders. Renders values it is given; reads no store.
        .target(
            name: "Outputs",
            dependencies: [
                "Datasets", "RuleLanguage", "Evaluation", "Diagnostics", "CLibXML2",
                .product(name: "Plot", package: "Plot"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // Orchestrates each stage; today: an import.
        .target(
            name: "Pipeline",
            dependencies: [
                "Datasets", "Ingest", "Store", "RuleLanguage", "Diagnostics", "Evaluation", "Outputs",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strictSettings
        ),
        // The push dispatcher's HTTP client is FoundationNetworking's URLSession, not
        // async-http-client: first debug build of a one-file package POSTing with each, on this
        // 2-core machine while other builds ran (load average 7–10), 2026-11-30:
        // URLSession 18.6 s; async-http-client 1.37.0 (swift-nio, -ssl, -http2, BoringSSL) 1,143.9 s.
        // Mianshen already builds swift-crypto, so the gateway's HMAC adds nothing.
        // A webhook gateway for tests and demos: loopback, verifies the HMAC, dedups by key,
        // logs accepted and duplicate keys, injects faults (500s, timeouts, a 400 recipient).
        .executableTarget(
            name: "mianshen-test-gateway",
            dependencies: [
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The command-line tool; the only user of ArgumentParser.
        .executableTarget(
            name: "mianshen",
            dependencies: [
                "Pipeline", "Store", "Datasets", "Ingest", "Generator", "RuleLanguage", "Evaluation", "Diagnostics", "Outputs",
                "SQLBackend",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Temp stores and fixture paths, for tests only.
        .target(name: "MianshenTesting", dependencies: ["Datasets", "Store"], swiftSettings: strictSettings),

        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics"], swiftSettings: strictSettings),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "MianshenTesting"], swiftSettings: strictSettings),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Datasets", "Diagnostics", "MianshenTesting"], swiftSettings: strictSettings),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Datasets", "Diagnostics", "MianshenTesting"], swiftSettings: strictSettings),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "Store", "Datasets", "Ingest", "Diagnostics", "Generator", "RuleLanguage", "Evaluation", "MianshenTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "CLITests", dependencies: ["MianshenTesting"], swiftSettings: strictSettings),
        .testTarget(
            name: "PushTests",
            dependencies: ["Pipeline", "Store", "Datasets", "MianshenTesting", .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RuleLanguageTests", dependencies: ["RuleLanguage", "Diagnostics", "Datasets", "MianshenTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EvaluationTests", dependencies: ["Evaluation", "RuleLanguage", "Datasets", "Diagnostics", "MianshenTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OutputsTests",
            dependencies: ["Outputs", "Evaluation", "RuleLanguage", "Datasets", "MianshenTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GeneratorTests",
            dependencies: ["Generator", "Datasets", "MianshenTesting"],
            swiftSettings: strictSettings
        ),
    ]
)
