import Foundation
import LeakLintCore
@testable import LeakLintEngine
import LeakLintReport
import Testing

@Suite struct ChangedSinceTests {
    @Test func parsesUnifiedZeroHunks() {
        let diff = """
            diff --git a/pkg/a.go b/pkg/a.go
            index 1111111..2222222 100644
            --- a/pkg/a.go
            +++ b/pkg/a.go
            @@ -3,0 +4,2 @@ func x() {
            +added
            +added
            @@ -10 +12 @@
            -old
            +new
            @@ -20,3 +22,0 @@
            -gone
            diff --git a/old.go b/old.go
            deleted file mode 100644
            --- a/old.go
            +++ /dev/null
            @@ -1,3 +0,0 @@
            diff --git a/n.go b/n.go
            --- /dev/null
            +++ "b/sp ace\\"q\\303\\251.go"
            @@ -0,0 +1,3 @@

            """
        let c = ChangedLines.parse(diff: Array(diff.utf8))
        #expect(c.lines["pkg/a.go"] == [4...5, 12...12])
        #expect(c.lines["old.go"] == nil)
        #expect(c.lines["sp ace\"qé.go"] == [1...3])
        #expect(c.touches("pkg/a.go", start: 5, end: 5))
        #expect(c.touches("pkg/a.go", start: 1, end: 4), "a region overlapping a changed line counts")
        #expect(!c.touches("pkg/a.go", start: 6, end: 11))
        #expect(!c.touches("pkg/a.go", start: 22, end: 22), "a pure deletion changes no new line")
        #expect(ChangedLines.parse(diff: [0xFF, 0x0A, 0x40, 0x40]).lines.isEmpty, "garbage parses to nothing")
    }

    @Test(.enabled(if: GitFixture.available, "git is not installed"))
    func reportsOnlyFindingsOnChangedLines() throws {
        let dir = try GitFixture.repo(["pkg/a.go": GitFixture.leakyA, "pkg/b.go": "package cache\n"])
        defer { TestSupport.remove(dir) }
        let base = try GitFixture.git(dir, "rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        // A new leak in a new commit plus an uncommitted one; the old leak's lines are untouched.
        TestSupport.write(dir, "pkg/c.go", GitFixture.leakyC)
        try GitFixture.git(dir, "add", "pkg/c.go")
        try GitFixture.git(dir, "commit", "-q", "-m", "c")
        TestSupport.write(dir, "pkg/a.go", GitFixture.leakyA + "\nvar extra = make(map[string]int)\n\nfunc E(k string) { extra[k]++ }\n")
        let changed = try ChangedLines.since(base, root: dir)
        #expect(changed.files == ["pkg/a.go", "pkg/c.go"])
        let all = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], jobs: 2)).run()
        let symbols = Set(all.reported.map(\.symbol))
        #expect(symbols.count == 3, "\(symbols)")
        let kept = all.reported.filter { changed.contains($0) }
        #expect(kept.count == 2)
        #expect(!kept.contains { $0.location.path == "pkg/a.go" && $0.location.region.startLine == 5 },
                "the old sessions map is not part of the change")
        // The checklist speaks of the change only.
        var narrowed = all
        narrowed.findings = all.findings.filter { changed.contains($0) }
        let md = String(decoding: Reporter.render(narrowed, format: .checklist), as: UTF8.self)
        #expect(!md.contains("`sessions`") && !md.contains("a.go:5`"), "\(md)")
        #expect(md.contains("c.go:3`"), "\(md)")
        // Whole scope analysed: a delete added in an unchanged file still silences a changed line's leak.
        TestSupport.write(dir, "pkg/b.go", "package cache\n\nfunc Drop(k string) { delete(extra, k) }\n")
        let withDelete = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], jobs: 2)).run()
        #expect(withDelete.reported.filter { changed.contains($0) }.count == 1)
    }

    @Test(.enabled(if: GitFixture.available, "git is not installed"))
    func unknownRevisionIsAClearError() throws {
        let dir = try GitFixture.repo(["a.go": "package a\n"])
        defer { TestSupport.remove(dir) }
        #expect(throws: GitError.self) { try ChangedLines.since("no-such-rev-\(UUID().uuidString)", root: dir) }
        #expect(throws: GitError.self) { try ChangedLines.since("--output=/tmp/x", root: dir) }
    }
}
