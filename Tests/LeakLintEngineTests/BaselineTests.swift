import Foundation
import LeakLintCore
@testable import LeakLintEngine
import LeakLintReport
import Testing

@Suite struct BaselineTests {
    static func finding(_ rule: String, _ path: String, _ symbol: String, line: Int = 3) -> Finding {
        Finding(ruleID: rule, family: .unboundedMap, severity: .warning, message: "m",
                location: Location(path: path, region: Region(startLine: line, startColumn: 1, endLine: line, endColumn: 5,
                                                              byteOffset: 0, byteLength: 4), snippet: "x"),
                symbol: symbol)
    }

    static func result(_ f: [Finding]) -> ScanResult {
        ScanResult(root: "/r", findings: f, notifications: [], rules: [], filesScanned: 1, linesScanned: 1)
    }

    @Test func writeIsSortedStableAndKeepsReasons() throws {
        let a = Self.finding("go/unbounded-global-map", "b.go", "sessions")
        let b = Self.finding("go/append-only-slice", "a.go", "log")
        var suppressed = Self.finding("go/x", "a.go", "quiet")
        suppressed.suppression = SuppressionInfo(kind: "inSource", justification: "ok")
        let first = Baseline(findings: [a, b, suppressed, a], reason: "legacy")
        #expect(first.entries.map(\.path) == ["a.go", "b.go"], "sorted, deduplicated, suppressed left out")
        #expect(first.entries.allSatisfy { $0.reason == "legacy" })
        let bytes = first.encoded()
        #expect(bytes == Baseline(findings: [b, a], reason: "legacy").encoded(), "byte-stable")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"fingerprint\" : \"\(a.fingerprint)\""))
        let back = try Baseline.parse(Data(bytes))
        #expect(back == first)
        // Rewriting keeps a hand-written reason, new entries get the new one.
        var edited = back
        edited.entries[0].reason = "tracked in #12"
        let c = Self.finding("go/unbounded-global-map", "c.go", "names")
        let second = Baseline(findings: [a, b, c], reason: "new", previous: edited)
        #expect(second.entries.map(\.reason) == ["tracked in #12", "legacy", "new"])
    }

    @Test func rejectsOtherFiles() {
        #expect(throws: ScanError.self) { try Baseline.parse(Data("[]".utf8)) }
        #expect(throws: ScanError.self) { try Baseline.parse(Data(#"{"version": 2, "entries": []}"#.utf8)) }
    }

    @Test func applyMarksNewAndUnchangedAndReportsStale() {
        let kept = Self.finding("go/unbounded-global-map", "a.go", "sessions")
        let fresh = Self.finding("go/unbounded-global-map", "a.go", "names", line: 9)
        let gone = Baseline.Entry(fingerprint: "ffff", rule: "go/x", path: "old.go", symbol: "s", reason: nil)
        let elsewhere = Baseline.Entry(fingerprint: "eeee", rule: "go/x", path: "other/o.go", symbol: "s", reason: nil)
        var base = Baseline(findings: [kept], reason: "known")
        base.entries += [gone, elsewhere]
        let out = base.apply(to: Self.result([kept, fresh]), source: ".leaklint-baseline.json") { !$0.hasPrefix("other/") }
        #expect(out.newCount == 1)
        let byName = Dictionary(uniqueKeysWithValues: out.result.findings.map { ($0.symbol, $0) })
        #expect(byName["sessions"]?.baselineState == "unchanged")
        #expect(byName["sessions"]?.suppression == SuppressionInfo(kind: "external", justification: "known"))
        #expect(byName["names"]?.baselineState == "new")
        #expect(byName["names"]?.suppression == nil)
        #expect(out.stale == [gone], "an entry the scan could not judge is not stale")
        #expect(out.result.notifications.map(\.id) == ["stale-baseline-entry"])
        #expect(out.result.notifications.first?.path == "old.go")
        // Only the new finding counts for the exit code.
        #expect(ScanExit.status(out.result, failOn: .warning) == 1)
        let onlyOld = base.apply(to: Self.result([kept]), source: "b") { _ in false }
        #expect(ScanExit.status(onlyOld.result, failOn: .warning) == 0)
    }

    @Test func fingerprintSurvivesLinesMovingAndSarifCarriesBaselineState() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "pkg/a.go", GitFixture.leakyA)
        let first = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], jobs: 2)).run()
        #expect(first.reported.count == 1)
        let base = Baseline(findings: first.findings)
        // Lines added above, and a second leak.
        TestSupport.write(dir, "pkg/a.go", "// header\n// more\n" + GitFixture.leakyA)
        TestSupport.write(dir, "pkg/c.go", GitFixture.leakyC)
        let second = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], jobs: 2)).run()
        #expect(second.reported.count == 2)
        let out = base.apply(to: second, source: "b.json") { _ in true }
        #expect(out.newCount == 1)
        #expect(out.stale.isEmpty)
        #expect(out.result.reported.map(\.location.path) == ["pkg/c.go"])
        let sarif = String(decoding: Reporter.render(out.result, format: .sarif, options: ReportOptions(includeSuppressed: true)),
                           as: UTF8.self)
        #expect(sarif.contains("\"baselineState\": \"unchanged\""))
        #expect(sarif.contains("\"baselineState\": \"new\""))
        // The leak fixed: its entry becomes stale.
        TestSupport.write(dir, "pkg/a.go", "package cache\n")
        let third = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], jobs: 2)).run()
        #expect(base.apply(to: third, source: "b.json") { _ in true }.stale.count == 1)
    }
}
