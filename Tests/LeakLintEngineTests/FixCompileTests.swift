import Foundation
import LeakLintCore
@testable import LeakLintEngine
import Testing

/// Proves the fixes are real: every fixture with fix edits is copied to a temporary folder, all
/// its fixes (safe and unsafe) applied with `FixApplier`, and the result compiled with the
/// language's own toolchain. Fixtures are snippets that may use names or imports that do not
/// exist here, so the check is differential: the fixed file must raise no diagnostic that the
/// original did not (messages compared without their positions, as multisets), and every fix
/// must remove its finding on a rescan.
///
/// What each language checks:
/// - Go: `gofmt -e` (full syntax) must pass on the fixed file; then `go vet` in a temporary
///   module (`GOPROXY=off`, `GOFLAGS=-mod=mod`), which type-checks the package when its imports
///   are the standard library or golang-lru v2 (replaced by `Tests/GoStubs/golang-lru-v2`, a
///   local module with v2's exported signatures, so the map → LRU rewrite is type-checked). A fixture importing a module that is not available is
///   syntax-checked only, and says so.
/// - Java: `javac -proc:none -d TMP`. Swift: `swiftc -typecheck`. C++: `clang++ -fsyntax-only -std=c++20`.
/// A language whose toolchain is missing is skipped with a message naming the tool.
@Suite(.serialized) struct FixCompileTests {
    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for d in path.split(separator: ":") where access(String(d) + "/" + name, X_OK) == 0 { return String(d) + "/" + name }
        return nil
    }

    struct Run { var status: Int32; var output: String }

    static func run(_ exe: String, _ args: [String], in dir: String, env: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        p.environment = e
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Diagnostic lines without `path:line:col:` (or `path:line:`) prefixes, as a multiset.
    static func diagnostics(_ output: String, keep: (String) -> Bool) -> [String: Int] {
        var out: [String: Int] = [:]
        for raw in output.split(separator: "\n") {
            var line = String(raw)
            // Strip up to the last `:<digits>:` group near the start.
            let parts = line.split(separator: ":", omittingEmptySubsequences: false)
            var cut = 0
            for (i, p) in parts.enumerated() where i > 0 && i < 4 && !p.isEmpty && p.allSatisfy(\.isNumber) { cut = i + 1 }
            if cut > 0 { line = parts[cut...].joined(separator: ":").trimmingCharacters(in: .whitespaces) }
            guard keep(line) else { continue }
            out[line, default: 0] += 1
        }
        return out
    }

    /// Messages in `fixed` beyond those in `original`.
    static func introduced(_ original: [String: Int], _ fixed: [String: Int]) -> [String] {
        fixed.compactMap { k, v in v > (original[k] ?? 0) ? k : nil }.sorted()
    }

    /// Fixture units of one language: each file, or a directory scope, with its fixes.
    struct Unit { var name: String; var files: [String] }

    static func units(_ lang: String) -> [Unit] {
        let base = TestSupport.repoRoot + "/fixtures/" + lang
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return [] }
        var out: [Unit] = []
        for n in names.sorted() {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: base + "/" + n, isDirectory: &isDir)
            if isDir.boolValue {
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: base + "/" + n)) ?? [])
                    .filter { FrontEnds.forPath($0) != nil }.sorted().map { n + "/" + $0 }
                if !files.isEmpty { out.append(Unit(name: n, files: files)) }
            } else if FrontEnds.forPath(n) != nil {
                out.append(Unit(name: n, files: [n]))
            }
        }
        return out
    }

    /// Copies a unit to `tmp/unit/…`, scans, applies every fix. Returns the copy's folder, the
    /// fixed files (relative to it) and the findings that were fixed; nil when nothing has edits.
    static func applyFixes(_ lang: String, _ unit: Unit, into tmp: String) throws
        -> (dir: String, changed: [String], fixed: [Finding])? {
        let dir = tmp + "/unit"
        for f in unit.files {
            let text = try #require(Paths.readText(TestSupport.repoRoot + "/fixtures/\(lang)/" + f))
            TestSupport.write(dir, PathText.fileName(of: f), text)
        }
        let scan = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], includeTests: true, jobs: 2)).run()
        guard scan.reported.contains(where: { FixApplier.eligible($0, unsafe: true) }) else { return nil }
        for f in unit.files {
            let name = PathText.fileName(of: f)
            try FileManager.default.copyItem(atPath: dir + "/" + name, toPath: tmp + "/orig-" + name)
        }
        let out = FixApplier.run(scan.findings, root: scan.root, unsafe: true)
        #expect(out.errors.isEmpty, "\(unit.name): \(out.errors)")
        #expect(!out.applied.isEmpty, "\(unit.name): fixes with edits but none applied: \(out.skipped.map(\.reason))")
        // Every applied fix removes its finding.
        let rescan = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], includeTests: true, jobs: 2)).run()
        let left = Set(rescan.reported.map { "\($0.ruleID) \($0.symbol)" })
        for a in out.applied {
            let key = "\(a.ruleID) \(a.finding.symbol)"
            let before = scan.reported.filter { "\($0.ruleID) \($0.symbol)" == key }.count
            let after = rescan.reported.filter { "\($0.ruleID) \($0.symbol)" == key }.count
            #expect(after < before || !left.contains(key), "\(unit.name): \(key) still reported after its fix")
        }
        return (dir, out.filesWritten.map { PathText.fileName(of: $0) }, out.applied.map(\.finding))
    }

    static func restoreOriginals(_ unit: Unit, tmp: String, dir: String) throws {
        for f in unit.files {
            let name = PathText.fileName(of: f)
            try? FileManager.default.removeItem(atPath: dir + "/" + name)
            try FileManager.default.copyItem(atPath: tmp + "/orig-" + name, toPath: dir + "/" + name)
        }
    }

    // MARK: - Go

    @Test(.enabled(if: tool("go") != nil && tool("gofmt") != nil, "go / gofmt not found on PATH: Go fixes not compiled"))
    func goFixesCompile() throws {
        let go = Self.tool("go")!, gofmt = Self.tool("gofmt")!
        var report: [String] = []
        var checkedUnits = 0
        let home = NSTemporaryDirectory() + "leaklint-gocache"
        for unit in Self.units("go") {
            let tmp = TestSupport.tempDir()
            defer { TestSupport.remove(tmp) }
            guard let applied = try Self.applyFixes("go", unit, into: tmp) else { continue }
            checkedUnits += 1
            // golang-lru v2 (what the map fix rewrites to) resolves to a local module with v2's
            // exported API (Tests/GoStubs): Debian has only v1, and the check must not need a network.
            let lru = TestSupport.repoRoot + "/Tests/GoStubs/golang-lru-v2"
            TestSupport.write(tmp, "go.mod", """
                module leaklintfixcheck

                go 1.18

                require github.com/hashicorp/golang-lru/v2 v2.0.7

                replace github.com/hashicorp/golang-lru/v2 => \(lru)

                """)
            let env = ["GOPROXY": "off", "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local", "GOWORK": "off",
                       "GO111MODULE": "on", "GOCACHE": home + "/build", "GOPATH": home + "/path", "CGO_ENABLED": "0"]
            // Syntax: every fixed file.
            for f in applied.changed {
                let r = try Self.run(gofmt, ["-e", "-l", "unit/" + f], in: tmp)
                #expect(r.status == 0, "\(unit.name): gofmt -e fails on the fixed \(f):\n\(r.output)")
            }
            let keep: (String) -> Bool = { !$0.hasPrefix("#") && !$0.isEmpty }
            let fixedVet = try Self.run(go, ["vet", "./unit"], in: tmp, env: env)
            try Self.restoreOriginals(unit, tmp: tmp, dir: applied.dir)
            let origVet = try Self.run(go, ["vet", "./unit"], in: tmp, env: env)
            let unresolved = ["cannot find module", "no required module provides", "is not in std", "import lookup disabled"]
                .contains { origVet.output.contains($0) }
            if unresolved {
                report.append("\(unit.name): imports outside the standard library; syntax only (gofmt -e)")
                continue
            }
            let new = Self.introduced(Self.diagnostics(origVet.output, keep: keep), Self.diagnostics(fixedVet.output, keep: keep))
            #expect(new.isEmpty, "\(unit.name): the fixes introduce: \(new)\n--- go vet after the fixes:\n\(fixedVet.output)")
            if origVet.status == 0 {
                #expect(fixedVet.status == 0, "\(unit.name): go vet passed before the fixes and fails after:\n\(fixedVet.output)")
                report.append("\(unit.name): go vet (type-checked) passes after \(applied.fixed.count) fix(es)")
            } else {
                report.append("\(unit.name): go vet type-checked; no new diagnostic after \(applied.fixed.count) fix(es) "
                              + "(the snippet had \(Self.diagnostics(origVet.output, keep: keep).values.reduce(0, +)) of its own)")
            }
        }
        #expect(checkedUnits > 0, "no Go fixture has fix edits: the compile check checked nothing")
        print("FixCompileTests (Go):\n  " + report.joined(separator: "\n  "))
    }

    // MARK: - Java, Swift, C++

    static func differential(_ lang: String, tool name: String, args: @escaping (String, String) -> [String]) throws {
        let exe = tool(name)!
        var report: [String] = []
        for unit in units(lang) {
            let tmp = TestSupport.tempDir()
            defer { TestSupport.remove(tmp) }
            guard let applied = try applyFixes(lang, unit, into: tmp) else { continue }
            let files = unit.files.map { "unit/" + PathText.fileName(of: $0) }.filter { !$0.hasSuffix(".h") && !$0.hasSuffix(".hpp") }
            var fixedOut = ""
            var fixedStatus: Int32 = 0
            for f in files {
                let r = try run(exe, args(f, tmp), in: tmp)
                fixedOut += r.output + "\n"; if r.status != 0 { fixedStatus = r.status }
            }
            try restoreOriginals(unit, tmp: tmp, dir: applied.dir)
            var origOut = ""
            var origStatus: Int32 = 0
            for f in files {
                let r = try run(exe, args(f, tmp), in: tmp)
                origOut += r.output + "\n"; if r.status != 0 { origStatus = r.status }
            }
            let keep: (String) -> Bool = { $0.contains("error") }
            let new = introduced(diagnostics(origOut, keep: keep), diagnostics(fixedOut, keep: keep))
            #expect(new.isEmpty, "\(lang)/\(unit.name): the fixes introduce: \(new)\n\(fixedOut)")
            if origStatus == 0 { #expect(fixedStatus == 0, "\(lang)/\(unit.name): compiled before the fixes, not after:\n\(fixedOut)") }
            report.append("\(unit.name): \(name) \(origStatus == 0 ? "compiles" : "no new error") after \(applied.fixed.count) fix(es)")
        }
        print("FixCompileTests (\(lang)): " + (report.isEmpty ? "no fixture has fix edits" : "\n  " + report.joined(separator: "\n  ")))
    }

    /// Debian's `libcaffeine-java` jar (`scripts/setup.sh` installs it): the Java fixes build
    /// Caffeine caches, so they are compiled with it on the class path.
    static func caffeineJar() -> String? {
        if let env = ProcessInfo.processInfo.environment["LEAKLINT_CAFFEINE_JAR"], access(env, R_OK) == 0 { return env }
        if access("/usr/share/java/caffeine.jar", R_OK) == 0 { return "/usr/share/java/caffeine.jar" }
        guard let dpkg = tool("dpkg"), let r = try? run(dpkg, ["-L", "libcaffeine-java"], in: "/") else { return nil }
        return r.output.split(separator: "\n").map(String.init)
            .first { $0.hasSuffix(".jar") && PathText.fileName(of: $0).hasPrefix("caffeine") && access($0, R_OK) == 0 }
    }

    @Test(.enabled(if: tool("javac") != nil, "javac not found on PATH: Java fixes not compiled"))
    func javaFixesCompile() throws {
        let jar = Self.caffeineJar()
        if jar == nil { print("FixCompileTests (java): caffeine.jar not found (apt install libcaffeine-java): Caffeine types do not resolve, the check is differential only") }
        let cp = jar.map { ["-cp", $0] } ?? []
        try Self.differential("java", tool: "javac") { f, tmp in ["-proc:none", "-nowarn"] + cp + ["-d", tmp + "/classes", f] }
    }

    /// The Caffeine replacement compiles cleanly (not just differentially) in a file that needs
    /// nothing else: the seed's fixed file must pass javac with the jar.
    @Test(.enabled(if: tool("javac") != nil && caffeineJar() != nil, "javac or libcaffeine-java missing: Caffeine fix not compiled"))
    func javaCaffeineFixCompilesCleanly() throws {
        let unit = Unit(name: "seed-netflix-session-cache-problem.java", files: ["seed-netflix-session-cache-problem.java"])
        let tmp = TestSupport.tempDir()
        defer { TestSupport.remove(tmp) }
        let applied = try #require(try Self.applyFixes("java", unit, into: tmp))
        #expect(applied.fixed.map(\.ruleID) == ["java/unbounded-static-map"])
        let fixed = try #require(Paths.readText(applied.dir + "/seed-netflix-session-cache-problem.java"))
        #expect(fixed.contains("import com.github.benmanes.caffeine.cache.Caffeine;"))
        #expect(fixed.contains("import java.time.Duration;"))
        #expect(fixed.contains(".<String, UserSession>build().asMap()"))
        // javac wants a public class in a file of its name.
        TestSupport.write(tmp, "clean/UserSessionCache.java", fixed)
        let r = try Self.run(Self.tool("javac")!, ["-proc:none", "-nowarn", "-Xlint:none", "-cp", Self.caffeineJar()!,
                                                   "-d", tmp + "/classes", "clean/UserSessionCache.java"], in: tmp)
        #expect(r.status == 0, "javac fails on the fixed seed:\n\(r.output)\n\(fixed)")
    }

    @Test(.enabled(if: tool("swiftc") != nil, "swiftc not found on PATH: Swift fixes not type-checked"))
    func swiftFixesTypecheck() throws {
        try Self.differential("swift", tool: "swiftc") { f, _ in ["-typecheck", f] }
    }

    @Test(.enabled(if: tool("clang++") != nil, "clang++ not found on PATH: C++ fixes not syntax-checked"))
    func cppFixesCompile() throws {
        try Self.differential("cpp", tool: "clang++") { f, _ in ["-fsyntax-only", "-std=c++20", "-Iunit", f] }
    }
}
