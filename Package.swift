// swift-tools-version:6.0
import PackageDescription
import Foundation

// libclang's C headers live under /usr/lib/llvm-N/include on Debian (package libclang-dev).
// Take the newest present. The library itself is not linked: LeakLintCpp dlopens it on first use.
let llvmInclude: String = {
    let fm = FileManager.default
    let dirs = ((try? fm.contentsOfDirectory(atPath: "/usr/lib")) ?? [])
        .filter { $0.hasPrefix("llvm-") }
        .sorted { (Int($0.dropFirst(5)) ?? 0) > (Int($1.dropFirst(5)) ?? 0) }
    for d in dirs where fm.fileExists(atPath: "/usr/lib/\(d)/include/clang-c/Index.h") {
        return "/usr/lib/\(d)/include"
    }
    return "/usr/lib/llvm-14/include"
}()
let clangFlags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I\(llvmInclude)"])]
// The front ends' parsers and visitors are classes whose tables they read and write millions of times
// per scan; every access is single-threaded (one parser per file), so the run-time exclusivity
// check (swift_beginAccess on each access, ~4 % of a Go scan) buys nothing there.
let hotLoopFlags: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

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
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"),
    ],
    targets: [
        // Plain values shared by every layer: source files, facts, findings. No Foundation.
        .target(name: "LeakLintCore"),
        // Go: byte tokenizer + structural pass → facts.
        .target(name: "LeakLintGo", dependencies: ["LeakLintCore"], swiftSettings: hotLoopFlags),
        // Java: byte tokenizer + structural pass → facts.
        .target(name: "LeakLintJava", dependencies: ["LeakLintCore"], swiftSettings: hotLoopFlags),
        // Swift: swift-syntax visitor → facts.
        .target(name: "LeakLintSwift", dependencies: [
            "LeakLintCore",
            .product(name: "SwiftSyntax", package: "swift-syntax"),
            .product(name: "SwiftParser", package: "swift-syntax"),
        ], swiftSettings: hotLoopFlags),
        // libclang's C API (Debian: libclang-dev).
        .systemLibrary(name: "CClang", path: "Sources/CClang"),
        // C++: libclang's lexer (loaded on first use) + a structural pass → facts.
        .target(name: "LeakLintCpp", dependencies: ["LeakLintCore", "CClang"], swiftSettings: clangFlags),
        // Rules, scopes, analyses, suppressions, config, discovery.
        .target(name: "LeakLintEngine", dependencies: [
            "LeakLintCore", "LeakLintGo", "LeakLintJava", "LeakLintSwift", "LeakLintCpp",
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: clangFlags),
        // text / json / sarif / checklist.
        .target(name: "LeakLintReport", dependencies: ["LeakLintCore", "LeakLintEngine"], swiftSettings: clangFlags),
        .executableTarget(name: "leaklint", dependencies: [
            "LeakLintEngine", "LeakLintReport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: clangFlags),
        // libFuzzer targets: `swift build -c release --product leaklint-fuzz -Xswiftc -sanitize=fuzzer` (see bench/fuzz.sh).
        .executableTarget(name: "leaklint-fuzz", dependencies: ["LeakLintCore", "LeakLintGo", "LeakLintJava",
                                                                "LeakLintSwift", "LeakLintCpp"],
                          path: "Fuzz/leaklint-fuzz", swiftSettings: clangFlags),
        .testTarget(name: "LeakLintCoreTests", dependencies: ["LeakLintCore"]),
        .testTarget(name: "LeakLintGoTests", dependencies: ["LeakLintGo"]),
        .testTarget(name: "LeakLintJavaTests", dependencies: ["LeakLintJava"]),
        .testTarget(name: "LeakLintSwiftTests", dependencies: ["LeakLintSwift"]),
        .testTarget(name: "LeakLintCppTests", dependencies: ["LeakLintCpp"], swiftSettings: clangFlags),
        .testTarget(name: "LeakLintEngineTests", dependencies: ["LeakLintEngine", "LeakLintReport"],
                    exclude: ["Golden"], swiftSettings: clangFlags),
    ]
)
