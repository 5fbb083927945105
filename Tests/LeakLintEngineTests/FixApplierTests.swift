import Foundation
import LeakLintCore
@testable import LeakLintEngine
import Testing

@Suite struct FixApplierTests {
    static func finding(_ path: String, _ edits: [(Int, Int, String)], _ applicability: FixApplicability = .safe,
                        rule: String = "go/r", symbol: String = "s") -> Finding {
        Finding(ruleID: rule, family: .uncancelledTask, severity: .warning, message: "m",
                location: Location(path: path, region: Region(startLine: 1, startColumn: 1, endLine: 1, endColumn: 2,
                                                              byteOffset: 0, byteLength: 1), snippet: ""),
                symbol: symbol,
                fix: Fix(description: "d", applicability: applicability, snippet: "",
                         edits: edits.map { TextEdit(path: path, start: $0.0, end: $0.1, replacement: $0.2) }))
    }

    @Test func appliesBottomUp() {
        let src = Array("abcdef".utf8)
        let out = FixApplier.apply([TextEdit(path: "f", start: 1, end: 2, replacement: "XX"),
                                    TextEdit(path: "f", start: 4, end: 4, replacement: "-"),
                                    TextEdit(path: "f", start: 6, end: 6, replacement: "!")], to: src)
        #expect(String(decoding: out, as: UTF8.self) == "aXXcd-ef!")
    }

    @Test func planSkipsOverlapsOutOfRangeAndGatesUnsafe() {
        let bytes = Array("0123456789".utf8)
        let a = Self.finding("f", [(2, 4, "A")], symbol: "a")
        let overlapping = Self.finding("f", [(3, 5, "B")], symbol: "b")
        let same = Self.finding("f", [(2, 4, "A")], rule: "go/other", symbol: "c")
        let outside = Self.finding("f", [(8, 20, "C")], symbol: "d")
        let unsafe = Self.finding("f", [(9, 9, "U")], .unsafe, symbol: "e")
        let display = Self.finding("f", [(0, 0, "D")], .displayOnly, symbol: "g")
        var suppressed = Self.finding("f", [(0, 1, "S")], symbol: "h")
        suppressed.suppression = SuppressionInfo(kind: "inSource", justification: "x")
        let all = [outside, unsafe, display, suppressed, overlapping, same, a]
        let safeOnly = FixApplier.plan(all, unsafe: false) { _ in bytes }
        #expect(safeOnly.edits["f"]?.count == 1, "identical edits applied once, the overlapping one skipped")
        #expect(Set(safeOnly.applied.map(\.finding.symbol)) == ["a", "c"])
        #expect(Set(safeOnly.skipped.map(\.finding.symbol)) == ["b", "d"])
        let withUnsafe = FixApplier.plan(all, unsafe: true) { _ in bytes }
        #expect(Set(withUnsafe.applied.map(\.finding.symbol)) == ["a", "c", "e"])
        let text = String(decoding: FixApplier.apply(withUnsafe.edits["f"]!, to: bytes), as: UTF8.self)
        #expect(text == "01A45678U9", "the out-of-range fix is skipped whole; the unsafe insertion lands before the 9")
        // Two different insertions at one offset conflict.
        let i1 = Self.finding("f", [(5, 5, "x")], symbol: "i1"), i2 = Self.finding("f", [(5, 5, "y")], symbol: "i2")
        #expect(FixApplier.plan([i1, i2], unsafe: false) { _ in bytes }.applied.count == 1)
    }

    @Test func rewritesOnlyEditedFilesAndFixesTheFinding() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        let fixture = try #require(Paths.readText(TestSupport.repoRoot + "/fixtures/go/goroutine-blocked-send.go"))
        TestSupport.write(dir, "pkg/send.go", fixture)
        TestSupport.write(dir, "pkg/other.go", GitFixture.leakyC)  // a finding without edits
        TestSupport.write(dir, "pkg/clean.go", "package fetch\n")
        chmod(dir + "/pkg/send.go", 0o640)
        var before = stat(), otherBefore = stat(), cleanBefore = stat()
        stat(dir + "/pkg/send.go", &before); stat(dir + "/pkg/other.go", &otherBefore); stat(dir + "/pkg/clean.go", &cleanBefore)
        let scan = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir + "/pkg"], jobs: 2)).run()
        let blocked = scan.reported.filter { $0.ruleID == "go/goroutine-blocked-send" }
        #expect(!blocked.isEmpty)
        let out = FixApplier.run(scan.findings, root: scan.root, unsafe: false)
        #expect(out.errors.isEmpty)
        #expect(out.filesWritten == ["send.go"] || out.filesWritten == ["pkg/send.go"])
        #expect(out.applied.count == blocked.filter { $0.fix?.applicability == .safe && !($0.fix?.edits.isEmpty ?? true) }.count)
        let fixed = try #require(Paths.readText(dir + "/pkg/send.go"))
        #expect(fixed != fixture)
        #expect(fixed.contains("ch := make(chan Result, 1)\n\tgo func() {\n\t\t// ruleid"))
        var after = stat(), otherAfter = stat(), cleanAfter = stat()
        stat(dir + "/pkg/send.go", &after); stat(dir + "/pkg/other.go", &otherAfter); stat(dir + "/pkg/clean.go", &cleanAfter)
        #expect(after.st_mode & 0o7777 == 0o640, "permissions kept")
        #expect(otherAfter.st_ino == otherBefore.st_ino && otherAfter.st_mtim.tv_sec == otherBefore.st_mtim.tv_sec
                && otherAfter.st_mtim.tv_nsec == otherBefore.st_mtim.tv_nsec, "a file with only fix-less findings is untouched")
        #expect(cleanAfter.st_ino == cleanBefore.st_ino && cleanAfter.st_mtim.tv_nsec == cleanBefore.st_mtim.tv_nsec)
        // The rescan no longer has the fixed finding.
        let rescan = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir + "/pkg"], jobs: 2)).run()
        #expect(rescan.reported.filter { $0.ruleID == "go/goroutine-blocked-send" }.count < blocked.count)
    }
}
