// swift-tools-version: 6.0
import PackageDescription

/// Settings every Swift target shares.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "bloom",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bloom", targets: ["bloom"])
    ],
    targets: [
        // MARK: - C libraries from Debian

        .systemLibrary(
            name: "CHTTPParser",
            path: "Sources/CHTTPParser",
            providers: [.apt(["libhttp-parser-dev"])]
        ),
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", providers: [.apt(["libpq-dev"])]),

        // MARK: - Our own C kernels

        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),

        // MARK: - Libraries

        .target(name: "BloomCore", swiftSettings: swiftSettings),
        .target(
            name: "BloomHTTP",
            dependencies: ["BloomCore", "CHTTPParser", "CLinux"],
            // The connection state machine mutates class properties on every request, and the
            // run-time exclusivity checks on them measured about a fifth of the server's own CPU
            // time per request (bench/http). Debug builds, where the test suite runs first,
            // keep the checks.
            swiftSettings: swiftSettings + [
                .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
            ]
        ),
        .target(name: "BloomEngine", dependencies: ["CKernels"], swiftSettings: swiftSettings),
        .target(
            name: "BloomGateway",
            dependencies: ["BloomCore", "BloomHTTP", "BloomEngine"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BloomStore",
            dependencies: ["BloomCore", "CSQLite", "CLibPQ"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BloomApp",
            dependencies: ["BloomCore", "BloomHTTP", "BloomEngine", "BloomGateway", "BloomStore"],
            swiftSettings: swiftSettings
        ),

        // MARK: - Executable

        .executableTarget(name: "bloom", dependencies: ["BloomApp"], swiftSettings: swiftSettings),

        // MARK: - Tests

        .target(
            name: "BloomTesting",
            dependencies: ["BloomCore", "BloomEngine", "BloomHTTP", "CLinux"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BloomCoreTests", dependencies: ["BloomCore", "BloomTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BloomHTTPTests",
            dependencies: ["BloomHTTP", "BloomTesting", "CLinux"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BloomEngineTests",
            dependencies: ["BloomEngine", "BloomTesting"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BloomGatewayTests",
            dependencies: ["BloomGateway", "BloomTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BloomStoreTests",
            dependencies: ["BloomStore", "BloomTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BloomAppTests",
            dependencies: ["BloomApp", "BloomTesting"],
            swiftSettings: swiftSettings
        ),
    ]
)
