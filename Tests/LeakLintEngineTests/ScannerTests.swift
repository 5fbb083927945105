import Foundation
import LeakLintCore
@testable import LeakLintEngine
import Testing

// MARK: - Test support (shared by the engine test files)

enum TestSupport {
    /// The repository root, from this file's path.
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// A fresh empty directory (symlinks resolved, so paths compare with the scanner's).
    static func tempDir() -> String {
        let base = (Paths.real(NSTemporaryDirectory()) ?? "/tmp") + "/leaklint-engine-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        return base
    }

    static func remove(_ dir: String) { try? FileManager.default.removeItem(atPath: dir) }

    /// Writes `text` at `dir/rel`, creating directories.
    static func write(_ dir: String, _ rel: String, _ text: String) {
        write(dir, rel, bytes: Array(text.utf8))
    }

    static func write(_ dir: String, _ rel: String, bytes: [UInt8]) {
        let path = dir + "/" + rel
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    }

    static let description = """
        ## Why is this a leak?
        It grows.
        ## Example
        x
        ## Use instead
        y
        ## Fix safety
        z
        """

    /// A rule run by one of the test analyses below.
    static func rule(_ id: String, analysis: String = MarkerAnalysis.analysisName, languages: [Language]? = nil,
                     severity: Severity = .warning) -> Rule {
        let lang = Language(rawValue: String(id.split(separator: "/")[0])) ?? .go
        return Rule(id: id, summary: "Test rule.", severity: severity, family: .unboundedMap,
                    languages: languages ?? [lang], analysis: analysis, message: "marker found",
                    description: description, fix: nil, checklist: "Is it bounded?", vocabulary: [:])
    }

    /// A scanner over `paths` with test rules and the test analyses registered.
    static func scanner(_ paths: [String], rules: [Rule], configPath: String? = nil, includeTests: Bool? = nil,
                        jobs: Int = 2, onlyFiles: Set<String>? = nil) throws -> LeakLintEngine.Scanner {
        var s = try LeakLintEngine.Scanner(options: ScanOptions(paths: paths, configPath: configPath, includeTests: includeTests,
                                                 jobs: jobs, onlyFiles: onlyFiles),
                            rules: rules)
        s.extraAnalyses = testAnalyses
        return s
    }

    static let testAnalyses: [String: any Analysis] = [
        MarkerAnalysis.analysisName: MarkerAnalysis(),
        ScopeAnalysis.analysisName: ScopeAnalysis(),
    ]

    /// Relative paths of the files a scan read (via the scope analysis: one finding per scope).
    static func paths(_ result: ScanResult) -> [String] {
        result.findings.map(\.location.path)
    }
}

/// Reports every `LEAK(` in the scope's files, by bytes (independent of what front ends emit).
struct MarkerAnalysis: Analysis {
    static let analysisName = "test-marker"
    var name: String { Self.analysisName }
    func run(scope: Scope, rule: Rule) -> [Finding] {
        let needle = Array("LEAK(".utf8)
        var out: [Finding] = []
        for f in scope.files {
            guard let src = scope.sources[f.path] else { continue }
            src.bytes.withUnsafeBufferPointer { b in
                var i = 0
                let n = b.count - needle.count
                while i <= n {
                    if b[i] == needle[0] && b[i + 1] == needle[1] && b[i + 2] == needle[2] && b[i + 3] == needle[3]
                        && b[i + 4] == needle[4] {
                        let ref = SourceRef(path: f.path, start: i, end: i + 4)
                        out.append(Finding(ruleID: rule.id, family: rule.family, severity: rule.severity,
                                           message: rule.message, location: scope.location(ref), symbol: "L\(i)"))
                        i += 5
                    } else {
                        i += 1
                    }
                }
            }
        }
        return out
    }
}

/// One finding per scope at the start of its first file: `scope KEY files=N go=VERSION`.
struct ScopeAnalysis: Analysis {
    static let analysisName = "test-scope"
    var name: String { Self.analysisName }
    func run(scope: Scope, rule: Rule) -> [Finding] {
        guard let f = scope.files.first else { return [] }
        let msg = "scope \(scope.key) files=\(scope.files.map { PathText.fileName(of: $0.path) }.joined(separator: ",")) go=\(scope.properties["go.version"] ?? "-") module=\(scope.properties["go.module"] ?? "-")"
        return [Finding(ruleID: rule.id, family: rule.family, severity: rule.severity, message: msg,
                        location: scope.location(SourceRef(path: f.path, start: 0, end: 0)), symbol: scope.key)]
    }
}

// MARK: - Scanner

@Suite struct ScannerTests {
    let marker = TestSupport.rule("go/marker")

    @Test func missingPathIsAScanError() {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        #expect(throws: ScanError.self) { try TestSupport.scanner([dir + "/nope"], rules: [marker]) }
        do {
            _ = try TestSupport.scanner([dir + "/nope"], rules: [marker])
        } catch let e as ScanError {
            #expect(e.description == "no such file or directory: \(dir)/nope")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func findsMarkersWithRelativePathsAndPositions() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "pkg/a.go", "package p\n\nvar x = LEAK(1)\n")
        TestSupport.write(dir, "pkg/b.go", "package p\nvar ü = 1; var y = LEAK(2)\n")
        TestSupport.write(dir, "README.md", "LEAK(3)\n")
        let result = try TestSupport.scanner([dir], rules: [marker]).run()
        #expect(result.root == dir)
        #expect(result.findings.map { "\($0.location.path):\($0.location.region.startLine):\($0.location.region.startColumn)" }
                == ["pkg/a.go:3:9", "pkg/b.go:2:20"])
        #expect(result.filesScanned == 2)
        #expect(result.linesScanned == 5)
        #expect(result.rules.map(\.id) == ["go/marker"])
        #expect(result.notifications.isEmpty)
    }

    @Test func gitWorkTreeIsTheRoot() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/.git", withIntermediateDirectories: true)
        TestSupport.write(dir, "svc/api/a.go", "package api\nvar m = LEAK(1)\n")
        TestSupport.write(dir, "svc/other/b.go", "package other\nvar m = LEAK(1)\n")
        let scanner = try TestSupport.scanner([dir + "/svc/api"], rules: [marker])
        #expect(scanner.root == dir)
        let result = scanner.run()
        #expect(result.findings.map(\.location.path) == ["svc/api/a.go"])
    }

    @Test func scopesAreGroupedByPackageWithGoModVersion() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "go.mod", "// comment\nmodule example.com/svc\n\ngo 1.22.3\n")
        TestSupport.write(dir, "a/x.go", "package a\n")
        TestSupport.write(dir, "a/y.go", "package a\n")
        TestSupport.write(dir, "b/z.go", "package b\n")
        TestSupport.write(dir, "b/inner/go.mod", "module example.com/inner\ngo 1.21\n")
        TestSupport.write(dir, "b/inner/w.go", "package inner\n")
        let rule = TestSupport.rule("go/scope", analysis: ScopeAnalysis.analysisName)
        let result = try TestSupport.scanner([dir], rules: [rule]).run()
        #expect(result.findings.map(\.message) == [
            "scope a files=x.go,y.go go=1.22 module=example.com/svc",
            "scope b/inner files=w.go go=1.21 module=example.com/inner",   // b/inner/w.go sorts before b/z.go
            "scope b files=z.go go=1.22 module=example.com/svc",
        ])
    }

    @Test func binaryFilesAreSkippedAndInvalidUTF8IsAnalysed() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "bin.go", bytes: Array("package p\nvar x = LEAK(1)\n".utf8) + [0, 1, 2])
        TestSupport.write(dir, "bad.go", bytes: Array("package p\n// caf".utf8) + [0xE9] + Array("\nvar x = LEAK(1)\n".utf8))
        let result = try TestSupport.scanner([dir], rules: [marker]).run()
        #expect(result.findings.map { "\($0.location.path):\($0.location.region.startLine)" } == ["bad.go:3"])
        let notes = result.notifications.map { "\($0.level) \($0.id) \($0.path ?? "-"):\($0.line ?? 0)" }
        #expect(notes == ["warning invalid-utf8 bad.go:2", "error binary-file bin.go:0"])
        #expect(result.hadFileErrors)
        #expect(result.filesScanned == 1)
    }

    @Test func unreadableFileIsAnErrorNotification() {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        // A directory cannot be read as a file, even by root.
        try! FileManager.default.createDirectory(atPath: dir + "/d.go", withIntermediateDirectories: true)
        let o = FileLoader.load(absolute: dir + "/d.go", relative: "d.go", interest: CallInterest(methods: []))
        #expect(o.facts == nil)
        #expect(o.notifications.map(\.id) == ["unreadable-file"])
        #expect(o.notifications.first?.level == .error)
        let missing = FileLoader.load(absolute: dir + "/gone.go", relative: "gone.go", interest: CallInterest(methods: []))
        #expect(missing.notifications.first?.message.contains("gone.go") == true)
    }

    /// A loaded file keeps its facts, not its bytes: its source reads the file again when a
    /// finding needs its text (here: after the file was rewritten with the same length).
    @Test func loadedSourceReadsTheFileAgain() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        try "package a\n\nvar cache = map[string]int{}\n".write(toFile: dir + "/a.go", atomically: true, encoding: .utf8)
        let o = FileLoader.load(absolute: dir + "/a.go", relative: "a.go", interest: CallInterest(methods: []))
        #expect(o.facts?.containers.map(\.symbol.name) == ["cache"])
        try "package b\n\nvar cache = map[string]int{}\n".write(toFile: dir + "/a.go", atomically: true, encoding: .utf8)
        #expect(o.source?.text(0..<9) == "package b")
        #expect(o.source?.position(of: 15).line == 3)
    }

    @Test func fiftyMegabyteFile() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        // Mostly comment lines: the point is the engine (reading, line table, UTF-8 check, positions
        // at the far end), not the front end's speed in a debug build.
        let head = Array("package big\n".utf8)
        let line = Array("// filler ü 0123456789012345678901234567890123456789012345678901\n".utf8)
        let lines = (50 << 20) / line.count + 1
        var bytes = [UInt8](repeating: 0, count: head.count + lines * line.count)
        bytes.withUnsafeMutableBufferPointer { b in
            for (i, c) in head.enumerated() { b[i] = c }
            var o = head.count
            line.withUnsafeBufferPointer { l in
                for _ in 0..<lines {
                    (b.baseAddress! + o).update(from: l.baseAddress!, count: l.count)
                    o += l.count
                }
            }
        }
        #expect(bytes.count >= 50 << 20)
        bytes += Array("var tail = LEAK(1)\n".utf8)
        TestSupport.write(dir, "big.go", bytes: bytes)
        let result = try TestSupport.scanner([dir], rules: [marker]).run()
        #expect(result.findings.count == 1)
        #expect(result.findings.first?.location.region.startLine == lines + 2)
        #expect(result.findings.first?.location.region.startColumn == 12)
        #expect(result.linesScanned == lines + 2)
        #expect(result.notifications.isEmpty)
    }

    /// A file past the size limit (sparse: no disk is used) is an error notification, is never
    /// read, and the other files are scanned.
    @Test func fileOverTheSizeLimitIsReportedAndSkipped() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "ok.go", "package big\nvar tail = LEAK(1)\n")
        let fd = open(dir + "/huge.go", O_CREAT | O_WRONLY, 0o644)
        #expect(fd >= 0)
        #expect(ftruncate(fd, off_t(FileLoader.maximumFileBytes + 1)) == 0)
        close(fd)
        let result = try TestSupport.scanner([dir], rules: [marker]).run()
        #expect(result.findings.map(\.location.path) == ["ok.go"])
        let notes = result.notifications.filter { $0.path == "huge.go" }
        #expect(notes.map(\.id) == ["file-too-large"])
        #expect(notes.first?.level == .error)
        #expect(result.filesScanned == 1)
    }

    @Test func onlyFilesKeepsFindingsOfThoseFiles() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "p/a.go", "package p\nvar a = LEAK(1)\n")
        TestSupport.write(dir, "p/b.go", bytes: Array("package p\nvar b = LEAK(1)\n".utf8) + [0xFF])
        let scopeRule = TestSupport.rule("go/scope", analysis: ScopeAnalysis.analysisName)
        let result = try TestSupport.scanner([dir], rules: [marker, scopeRule], onlyFiles: ["p/a.go"]).run()
        #expect(result.findings.map { "\($0.ruleID) \($0.location.path)" } == ["go/scope p/a.go", "go/marker p/a.go"])
        // The scope was read whole: both files reached the analysis.
        #expect(result.findings.first { $0.ruleID == "go/scope" }?.message.contains("files=a.go,b.go") == true)
        // The invalid-UTF-8 warning is about a file outside the selection.
        #expect(result.notifications.isEmpty)
        // `./` and absolute spellings name the same file.
        for spelling in ["./p/a.go", dir + "/p/a.go", "p//a.go"] {
            let r = try TestSupport.scanner([dir], rules: [marker], onlyFiles: [spelling]).run()
            #expect(r.findings.map(\.location.path) == ["p/a.go"], "\(spelling)")
        }
    }

    @Test func configDisablesRulesAndOverridesSeverity() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "a.go", "package p\nvar a = LEAK(1)\n")
        TestSupport.write(dir, ".leaklint.yml", """
            rules:
              disable: [go/other]
            severity:
              go/marker: error
            """)
        let other = TestSupport.rule("go/other")
        let scanner = try TestSupport.scanner([dir], rules: [marker, other])
        #expect(scanner.config.sourcePath == dir + "/.leaklint.yml")
        let result = scanner.run()
        #expect(result.rules.map(\.id) == ["go/marker"])
        #expect(result.findings.map { "\($0.ruleID) \($0.severity)" } == ["go/marker error"])
    }

    @Test func badConfigIsAScanError() {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, ".leaklint.yml", "rulez: {}\n")
        #expect(throws: ScanError.self) { try TestSupport.scanner([dir], rules: [marker]) }
        #expect(throws: ScanError.self) {
            try TestSupport.scanner([dir], rules: [marker], configPath: dir + "/missing.yml")
        }
    }

    @Test func unknownAnalysisIsAWarning() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "a.go", "package p\n")
        let ghost = TestSupport.rule("go/ghost", analysis: "no-such-analysis")
        let result = try TestSupport.scanner([dir], rules: [ghost]).run()
        #expect(result.notifications.map(\.id) == ["unknown-analysis"])
        #expect(result.notifications.first?.message.contains("go/ghost") == true)
    }

    @Test func outputIsDeterministicAcrossWorkerCounts() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        for i in 0..<40 {
            TestSupport.write(dir, "p\(i % 7)/f\(i).go", String(repeating: "var x = LEAK(\(i))\n", count: i % 3 + 1))
        }
        TestSupport.write(dir, "p0/bin.go", bytes: [0, 0, 0])
        let rules = [marker, TestSupport.rule("go/scope", analysis: ScopeAnalysis.analysisName)]
        let one = try TestSupport.scanner([dir], rules: rules, jobs: 1).run()
        let many = try TestSupport.scanner([dir], rules: rules, jobs: 8).run()
        #expect(one.findings == many.findings)
        #expect(one.notifications == many.notifications)
        #expect(one.findings.count == (0..<40).map { $0 % 3 + 1 }.reduce(0, +) + 7)
        // Sorted by path, then line.
        let keys = one.findings.map { ($0.location.path, $0.location.region.startLine, $0.location.region.startColumn, $0.ruleID) }
        #expect(keys.map { "\($0)" } == keys.sorted { $0 < $1 }.map { "\($0)" })
    }

    @Test func duplicateFindingsAreMergedAndSorted() {
        let loc = { (p: String, l: Int) in
            Location(path: p, region: Region(startLine: l, startColumn: 1, endLine: l, endColumn: 2, byteOffset: 0, byteLength: 1),
                     snippet: "")
        }
        let f = { (id: String, p: String, l: Int, m: String) in
            Finding(ruleID: id, family: .unboundedMap, severity: .warning, message: m, location: loc(p, l), symbol: "s")
        }
        let out = LeakLintEngine.Scanner.sortAndDedupe([f("go/b", "b.go", 1, "m"), f("go/a", "b.go", 1, "m"), f("go/b", "a.go", 9, "m"),
                                         f("go/b", "b.go", 1, "m"), f("go/a", "b.go", 1, "l")])
        #expect(out.map { "\($0.location.path):\($0.location.region.startLine) \($0.ruleID) \($0.message)" }
                == ["a.go:9 go/b m", "b.go:1 go/a l", "b.go:1 go/a m", "b.go:1 go/b m"])
    }

    @Test func goModParsing() {
        let p = GoModule.parse("module \"example.com/x\" // c\n\ngo 1.21rc1\ntoolchain go1.22.0\n")
        #expect(p["go.module"] == "example.com/x")
        #expect(p["go.version"] == "1.21")
        #expect(p["go.version.full"] == "1.21rc1")
        #expect(GoModule.parse("module m\ngo 1.23\n")["go.version"] == "1.23")
    }

    @Test func parallelMapKeepsOrder() {
        let out = Parallel.map(1000, workers: 4) { $0 * 3 }
        #expect(out == (0..<1000).map { $0 * 3 })
        #expect(Parallel.map(0, workers: 4) { $0 }.isEmpty)
    }
}
