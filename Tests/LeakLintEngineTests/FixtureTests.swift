import Foundation
import LeakLintCore
@testable import LeakLintEngine
import Testing

/// Every fixture under `fixtures/`, checked strictly against the built-in rules, plus cheap
/// metamorphic variants of every single-file fixture. A new fixture needs no test code.
@Suite struct FixtureTests {
    static let fixturesDir = TestSupport.repoRoot + "/fixtures"
    static let all = FixtureChecker.fixtures(under: fixturesDir)
    static let singleFiles = all.filter { !FixtureChecker.isDirectory($0) }

    static func builtin() throws -> [Rule] { try RuleCatalog.builtin() }

    /// `fixtures/go/x.go` for messages.
    static func short(_ p: String) -> String {
        p.hasPrefix(TestSupport.repoRoot + "/") ? String(p.dropFirst(TestSupport.repoRoot.count + 1)) : p
    }

    @Test(arguments: all)
    func fixtureHolds(_ path: String) throws {
        let mismatches = FixtureChecker.check(fixture: path, rules: try Self.builtin())
        for m in mismatches {
            Issue.record("\(Self.short(m.path)):\(m.line): \(m.description)")
        }
    }

    @Test(arguments: singleFiles)
    func metamorphicVariantsAgree(_ path: String) throws {
        let bytes = try Paths.readBytes(path)
        for problem in Metamorphic.check(path: path, bytes: bytes, rules: try Self.builtin()) {
            Issue.record("\(Self.short(path)): \(problem)")
        }
    }
}

// MARK: - Metamorphic variants

/// Variants of a fixture that must give the same findings at the same (shifted) places:
/// CRLF line ends, a UTF-8 BOM, a multibyte comment as the first line, and a `leaklint:ignore`
/// added above every finding (which must then be suppressed, and the directive used).
enum Metamorphic {
    struct Key: Hashable, Comparable, CustomStringConvertible {
        var rule: String
        var line: Int
        var column: Int
        var suppressed: Bool
        static func < (a: Key, b: Key) -> Bool {
            (a.line, a.column, a.rule, a.suppressed ? 1 : 0) < (b.line, b.column, b.rule, b.suppressed ? 1 : 0)
        }
        var description: String { "\(line):\(column) \(rule)\(suppressed ? " (suppressed)" : "")" }
    }

    static func keys(_ o: FixtureChecker.Outcome) -> [Key] {
        o.findings.map {
            Key(rule: $0.ruleID, line: $0.location.region.startLine, column: $0.location.region.startColumn,
                suppressed: $0.suppression != nil)
        }.sorted()
    }

    /// Problems found; empty when every variant agrees with the original.
    static func check(path: String, bytes: [UInt8], rules: [Rule], extra: [String: any Analysis] = [:],
                      includeIgnore: Bool = true) -> [String] {
        guard let lang = FrontEnds.forPath(path)?.language else { return ["no front end"] }
        let rules = rules.filter { $0.languages.contains(lang) }
        func run(_ b: [UInt8]) -> FixtureChecker.Outcome {
            FixtureChecker.run(files: [.init(path: path, bytes: b)], rules: rules, extraAnalyses: extra)
        }
        let base = run(bytes)
        let baseKeys = keys(base)
        var problems: [String] = []
        func compare(_ name: String, _ got: [Key], _ want: [Key]) {
            if got != want {
                problems.append("\(name) variant: findings \(got) differ from the expected \(want)")
            }
        }
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])

        // CRLF line ends: same lines, same columns.
        compare("CRLF", keys(run(toCRLF(bytes))), baseKeys)
        // A BOM: same lines, same columns (the BOM is not a column).
        if !hasBOM { compare("BOM", keys(run([0xEF, 0xBB, 0xBF] + bytes)), baseKeys) }
        // A multibyte comment as first line: one line down, same columns.
        if !hasBOM {
            let first = Array("// ünïcödé — 日本語 ✓ 🚀 leak-free\n".utf8)
            compare("multibyte-first-line", keys(run(first + bytes)),
                    baseKeys.map { Key(rule: $0.rule, line: $0.line + 1, column: $0.column, suppressed: $0.suppressed) })
        }
        // `leaklint:ignore` above every reported finding: all suppressed, every directive used.
        if includeIgnore {
            let (variant, shift) = withIgnores(bytes, findings: base.findings.filter { $0.suppression == nil })
            if shift.isEmpty == false || !base.findings.isEmpty {
                let out = run(variant)
                let want = baseKeys.map {
                    Key(rule: $0.rule, line: $0.line + (shift[$0.line] ?? 0), column: $0.column, suppressed: true)
                }.sorted()
                compare("leaklint:ignore", keys(out), want)
                let unused = out.notifications.filter { $0.id == "unused-suppression" || $0.id.hasPrefix("suppression-without") }
                for n in unused where !base.notifications.contains(where: { $0.id == n.id && $0.message == n.message }) {
                    problems.append("leaklint:ignore variant: \(n.id) on line \(n.line ?? 0): \(n.message)")
                }
            }
        }
        return problems
    }

    /// LF → CRLF (existing CRLF kept).
    static func toCRLF(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count + b.count / 16)
        var prev: UInt8 = 0
        for c in b {
            if c == 0x0A && prev != 0x0D { out.append(0x0D) }
            out.append(c)
            prev = c
        }
        return out
    }

    /// The bytes with `// leaklint:ignore IDS -- metamorphic variant` inserted above every line
    /// holding a finding (indented like it), and for each original 1-based line how far it moved.
    static func withIgnores(_ bytes: [UInt8], findings: [Finding]) -> ([UInt8], [Int: Int]) {
        var idsByLine: [Int: Set<String>] = [:]
        for f in findings { idsByLine[f.location.region.startLine, default: []].insert(f.ruleID) }
        let file = SourceFile(path: "", bytes: bytes)
        var out: [UInt8] = []
        var shift: [Int: Int] = [:]
        var inserted = 0
        for li in 0..<file.lineCount {
            let line = li + 1
            let start = file.lineStarts[li]
            let end = li + 1 < file.lineCount ? file.lineStarts[li + 1] : bytes.count
            if let ids = idsByLine[line] {
                var indent: [UInt8] = []
                var i = start
                if li == 0 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                    out += [0xEF, 0xBB, 0xBF]
                    i += 3
                }
                let contentStart = i
                while i < end && (bytes[i] == 0x20 || bytes[i] == 0x09) { indent.append(bytes[i]); i += 1 }
                out += indent + Array("// leaklint:ignore \(ids.sorted().joined(separator: ",")) -- metamorphic variant\n".utf8)
                inserted += 1
                shift[line] = inserted
                out += bytes[contentStart..<end]
            } else {
                shift[line] = inserted
                out += bytes[start..<end]
            }
        }
        return (out, shift)
    }
}

// MARK: - The checker itself

@Suite struct FixtureCheckerTests {
    let rules = [
        TestSupport.rule("go/marker"),
        TestSupport.rule("go/other"),
        TestSupport.rule("go/silent", analysis: "no-such-analysis"),
        TestSupport.rule("java/marker"),
    ]

    func check(_ text: String, path: String = "t/x.go") -> [String] {
        FixtureChecker.check(files: [.init(path: path, bytes: Array(text.utf8))], rules: rules,
                             extraAnalyses: TestSupport.testAnalyses)
            .map { "\($0.line): \($0.description)" }
    }

    @Test func annotatedFixtureHolds() {
        let text = """
            package p

            // ruleid: go/marker, go/other
            var a = LEAK(1)

            // ok: go/marker
            var b = 2

            // todoruleid: go/marker
            var c = 3

            // todook: go/marker, go/other
            var d = LEAK(4)

            // ruleid: go/marker
            //ruleid:go/other
            // ok: go/silent
            var e = LEAK(5)
            """
        #expect(check(text) == [])
        // CRLF and a BOM do not change what annotations mean.
        let crlf = String(decoding: Metamorphic.toCRLF(Array(text.utf8)), as: UTF8.self)
        #expect(check(crlf) == [])
        #expect(check("\u{FEFF}" + text) == [])
    }

    @Test func missingExpectedFinding() {
        #expect(check("package p\n// ruleid: go/marker\nvar a = 1\n") == ["3: expected go/marker, not reported"])
    }

    @Test func unexpectedFinding() {
        #expect(check("package p\nvar a = LEAK(1)\n") == [
            "2: unexpected finding: go/marker reported: marker found",
            "2: unexpected finding: go/other reported: marker found",
        ])
    }

    @Test func okWithFinding() {
        #expect(check("package p\n// ok: go/marker\n// ruleid: go/other\nvar a = LEAK(1)\n")
                == ["4: annotated ok: but go/marker reported: marker found"])
    }

    @Test func todoAnnotationsAskToBePromoted() {
        #expect(check("package p\n// todoruleid: go/marker\n// ruleid: go/other\nvar a = LEAK(1)\n")
                == ["4: todoruleid go/marker is now reported: promote it to ruleid (marker found)"])
        #expect(check("package p\n// todook: go/marker\nvar a = 1\n")
                == ["3: todook go/marker is no longer reported: promote it to ok"])
    }

    @Test func typosAndDanglingAnnotations() {
        #expect(check("package p\n// ok: go/nope\nvar a = 1\n") == ["2: annotation names unknown go rule 'go/nope'"])
        #expect(check("package p\n// ok: java/marker\nvar a = 1\n") == ["2: annotation names unknown go rule 'java/marker'"])
        #expect(check("package p\n// ok: go/marker") == ["2: annotation has no code line after it"])
        #expect(check("package p\n// ok: go/marker\n// ruleid: go/marker\nvar a = 1\n")
                == ["4: contradictory annotations for go/marker on this line", "4: expected go/marker, not reported"])
    }

    @Test func commentsThatAreNotAnnotations() {
        // Prose mentioning a kind is not an annotation; `ruleid:` needs an id.
        #expect(check("package p\n// this is ok: really\n// ruleid:\nvar a = 2\n")
                == ["3: annotation names no rule id"])
        #expect(FixtureChecker.annotations(in: Array("x := 1 // ruleid: go/marker\n".utf8)).isEmpty)
    }

    @Test func suppressedFindingsDoNotCount() {
        let text = "package p\n// leaklint:ignore go/marker,go/other -- set once in init\nvar a = LEAK(1)\n"
        let emits = !GoFrontEndProbe.suppressions(in: text).isEmpty
        #expect(check(text) == (emits ? [] : [
            "3: unexpected finding: go/marker reported: marker found",
            "3: unexpected finding: go/other reported: marker found",
        ]))
    }

    @Test func directoryFixtureIsOneScope() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "go/pair/a.go", "package pair\n// ruleid: go/scope\nvar a = 1\n")
        TestSupport.write(dir, "go/pair/b.go", "package pair\n// ok: go/scope\nvar b = 1\n")
        TestSupport.write(dir, "go/pair/sub/c.go", "package sub\n")
        TestSupport.write(dir, "go/single.go", "package single\nvar s = LEAK(1)\n")
        TestSupport.write(dir, "go/README.md", "notes")
        TestSupport.write(dir, "go/empty/notes.txt", "")
        TestSupport.write(dir, "go/.hidden.go", "")
        TestSupport.write(dir, "java/A.java", "class A {}\n")
        let fixtures = FixtureChecker.fixtures(under: dir)
        #expect(fixtures == [dir + "/go/pair", dir + "/go/single.go", dir + "/java/A.java"])
        // The scope analysis reports once, at the first file (a.go line 1), not per file.
        var rules = rules
        rules.append(TestSupport.rule("go/scope", analysis: ScopeAnalysis.analysisName))
        let m = FixtureChecker.check(fixture: dir + "/go/pair", rules: rules, extraAnalyses: TestSupport.testAnalyses)
        #expect(m.map { "\(PathText.fileName(of: $0.path)):\($0.line): \($0.description)" } == [
            "a.go:1: unexpected finding: go/scope reported: scope \(dir)/go/pair files=a.go,b.go,c.go go=- module=-",
            "a.go:3: expected go/scope, not reported",
        ])
        let single = FixtureChecker.check(fixture: dir + "/go/single.go", rules: rules, extraAnalyses: TestSupport.testAnalyses)
        #expect(single.count == 3)   // go/marker, go/other, go/scope, none annotated
        #expect(FixtureChecker.check(fixture: dir + "/go/missing.go", rules: rules).map(\.description) == ["cannot read fixture"])
    }

    @Test func binaryFixtureIsAMismatch() {
        let m = FixtureChecker.check(files: [.init(path: "t/x.go", bytes: [0x70, 0, 0x0A])], rules: rules)
        #expect(m.map(\.description).first?.hasPrefix("binary-file:") == true)
    }

    // MARK: The metamorphic machinery, on a marker fixture

    @Test func metamorphicVariantsAgreeOnAMarkerFixture() {
        let text = "package p\n\n// ruleid: go/marker\n\tvar a = LEAK(1); var ü = LEAK(2)\nvar b = 2\nvar c = LEAK(3)\n"
        let emits = !GoFrontEndProbe.suppressions(in: "package p\n// leaklint:ignore go/x -- r\nvar x = 1\n").isEmpty
        let problems = Metamorphic.check(path: "t/x.go", bytes: Array(text.utf8), rules: [TestSupport.rule("go/marker")],
                                         extra: TestSupport.testAnalyses, includeIgnore: emits)
        #expect(problems == [])
    }

    @Test func metamorphicVariantsDetectAPositionBug() {
        // An analysis that counts columns in bytes would disagree once a multibyte line moves things;
        // here an analysis that reports absolute byte offsets as symbols but lines from a wrong table.
        struct OffByBOM: Analysis {
            var name: String { "off-by-bom" }
            func run(scope: Scope, rule: Rule) -> [Finding] {
                guard let f = scope.files.first, let src = scope.sources[f.path] else { return [] }
                // Wrong: a fixed byte offset, so a BOM or a first line shifts the reported place.
                let ref = SourceRef(path: f.path, start: min(12, src.bytes.count), end: min(12, src.bytes.count))
                return [Finding(ruleID: rule.id, family: rule.family, severity: rule.severity, message: "m",
                                location: scope.location(ref), symbol: "x")]
            }
        }
        let problems = Metamorphic.check(path: "t/x.go", bytes: Array("package p\nvar abcdef = 1\n".utf8),
                                         rules: [TestSupport.rule("go/bad", analysis: "off-by-bom")],
                                         extra: ["off-by-bom": OffByBOM()], includeIgnore: false)
        #expect(problems.count == 3)   // CRLF, BOM and multibyte first line all move offset 12
    }

    @Test func ignoreVariantInsertsDirectivesAndShiftsLines() {
        let text = "a\n  LEAK(\nb\nLEAK(\n"
        let f = { (line: Int) in
            Finding(ruleID: "go/marker", family: .unboundedMap, severity: .warning, message: "m",
                    location: Location(path: "x", region: Region(startLine: line, startColumn: 1, endLine: line,
                                                                 endColumn: 1, byteOffset: 0, byteLength: 0), snippet: ""),
                    symbol: "s")
        }
        let (out, shift) = Metamorphic.withIgnores(Array(text.utf8), findings: [f(2), f(4)])
        #expect(String(decoding: out, as: UTF8.self)
                == "a\n  // leaklint:ignore go/marker -- metamorphic variant\n  LEAK(\nb\n// leaklint:ignore go/marker -- metamorphic variant\nLEAK(\n")
        #expect(shift[1] == 0 && shift[2] == 1 && shift[3] == 1 && shift[4] == 2)
    }
}
