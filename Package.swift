// swift-tools-version:6.0
import PackageDescription

// Arrows point one way: executable → engine/report → front ends → core.
let package = Package(
    name: "leaklint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "leaklint", targets: ["leaklint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Plain values shared by every layer: source files, facts, findings. No Foundation.
        .target(name: "LeakLintCore"),
        // Go: byte tokenizer + structural pass → facts.
        .target(name: "LeakLintGo", dependencies: ["LeakLintCore"]),
        // Rules, scopes, analyses, suppressions, config.
        .target(name: "LeakLintEngine", dependencies: [
            "LeakLintCore", "LeakLintGo",
            .product(name: "Yams", package: "Yams"),
        ]),
        // text / json / sarif / checklist.
        .target(name: "LeakLintReport", dependencies: ["LeakLintCore", "LeakLintEngine"]),
        .executableTarget(name: "leaklint", dependencies: [
            "LeakLintEngine", "LeakLintReport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "LeakLintCoreTests", dependencies: ["LeakLintCore"]),
        .testTarget(name: "LeakLintGoTests", dependencies: ["LeakLintGo"]),
        .testTarget(name: "LeakLintEngineTests", dependencies: ["LeakLintEngine", "LeakLintReport"]),
    ]
)
