// swift-tools-version:6.1
import PackageDescription

/// Settings every StoryArchive target shares: Swift 6 language mode with the
/// upcoming features that make dependency edges and existentials explicit.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "StoryArchive",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "storyarchive", targets: ["storyarchive"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Leaves: pure code, no I/O.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),
        .target(name: "Deflate", dependencies: ["CZlib"], swiftSettings: strictSettings),
        .target(name: "HTTP1", swiftSettings: strictSettings),
        .target(name: "TranscriptParsing", dependencies: ["ArchiveModel"], swiftSettings: strictSettings),
        .target(name: "ArchiveModel", swiftSettings: strictSettings),

        // I/O edges.
        .target(
            name: "Transport",
            dependencies: ["HTTP1", "CEpoll", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Storage",
            dependencies: ["ArchiveModel", "Deflate", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),

        // Application layers.
        .target(
            name: "Routing",
            dependencies: [
                "HTTP1", "Deflate",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ArchiveService",
            dependencies: [
                "ArchiveModel", "TranscriptParsing", "Storage",
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ArchiveAPI",
            dependencies: [
                "ArchiveService", "ArchiveModel", "TranscriptParsing", "Routing", "HTTP1",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "storyarchive",
            dependencies: [
                "ArchiveAPI", "ArchiveService", "Storage", "Transport", "TranscriptParsing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),

        // Tests mirror the modules.
        .testTarget(name: "DeflateTests", dependencies: ["Deflate"]),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1"]),
        .testTarget(name: "TranscriptParsingTests", dependencies: ["TranscriptParsing"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TransportTests", dependencies: ["Transport", "HTTP1"]),
        .testTarget(
            name: "RoutingTests",
            dependencies: ["Routing", "HTTP1", "Deflate", .product(name: "Prometheus", package: "swift-prometheus")]
        ),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "ArchiveModel"]),
        .testTarget(name: "ArchiveServiceTests", dependencies: ["ArchiveService", "Storage", "ArchiveModel"]),
        .testTarget(
            name: "ArchiveAPITests",
            dependencies: [
                "ArchiveAPI", "ArchiveService", "Storage", "Routing", "Transport", "HTTP1", "Deflate",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(name: "storyarchiveTests", dependencies: ["storyarchive"]),
    ]
)
