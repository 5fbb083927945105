import Foundation
import LeakLintCore
import LeakLintEngine
import LeakLintReport
import Testing

@Suite struct ChecklistReporterTests {
    @Test func goldenOutput() {
        Golden.check(ChecklistReporter.render(SampleScan.result), "sample.checklist.md")
        Golden.check(ChecklistReporter.render(SampleScan.empty), "empty.checklist.md")
    }

    @Test func itemsTickedOnlyWithoutFindings() {
        let out = text(ChecklistReporter.render(SampleScan.result))
        #expect(out.hasPrefix("## leaklint: memory-leak review checklist\n\n"))
        #expect(out.contains("**3 findings to review** (1 error, 2 warnings, 0 notes) in 42 files, 3400 lines — 1 of 4 checks pass.\n"))
        #expect(out.contains("- [ ] **All caches have bounded size and TTL** (`unbounded-map`)\n"))
        #expect(out.contains("- [x] **Collections are cleared or bounded when no longer needed** (`append-only`)\n"))
        #expect(out.contains("- [ ] **Event listeners are removed when no longer needed"))
        #expect(out.contains("- [ ] **Thread pools, goroutines, tasks and timers have a shutdown path** (`uncancelled-task`)\n"))
        #expect(out.contains("  - [ ] Package-level maps have an eviction path — `go/unbounded-global-map`\n"))
        #expect(out.contains("  - [x] Package-level slices are trimmed — `go/append-only-slice`\n"))
        // Findings as path:line links, messages escaped, fixes in language-tagged fences under the item.
        #expect(out.contains("    - [`internal/cache/sessions.go:12`](internal/cache/sessions.go#L12) **warning**: package-level map 'sessions' (map\\[string\\]\\*Session) only grows: 2 inserts, no delete\n"))
        #expect(out.contains("      Suggested fix (unsafe): Replace 'sessions' with a size-capped LRU with a TTL\n\n      ```go\n      var sessions = expirable.NewLRU[string, *Session](10_000, nil, 30*time.Minute)\n\n      // evicts the oldest entry\n      ```\n"))
        #expect(out.contains("[`src/main/java/com/shop/Événements Bus.java:40`](src/main/java/com/shop/%C3%89v%C3%A9nements%20Bus.java#L40)"))
        #expect(out.contains("      ```java\n"))
        // The suppressed finding is counted, not listed; scan problems are listed.
        #expect(!out.contains("tokens.go"))
        #expect(out.contains("_1 finding suppressed with `leaklint:ignore` or the baseline._"))
        #expect(out.contains("### Scan problems (3)"))
        #expect(out.contains("- error: [`cmd/broken.go:7`](cmd/broken.go#L7) unterminated raw string (`parse-problem`)"))
    }

    @Test func cleanScanTicksEverything() {
        let out = text(ChecklistReporter.render(SampleScan.empty))
        #expect(out.contains("**No leaks found** in 3 files, 120 lines — 4 of 4 checks pass."))
        #expect(!out.contains("- [ ]"))
        #expect(out.components(separatedBy: "- [x]").count - 1 == 8)   // 4 families + 4 rule items
    }

    @Test func linkBaseAndSuppressedSection() {
        let out = text(ChecklistReporter.render(SampleScan.result, options: ReportOptions(
            includeSuppressed: true, linkBase: "https://github.com/o/r/blob/abc123")))
        #expect(out.contains("(https://github.com/o/r/blob/abc123/internal/cache/sessions.go#L12)"))
        #expect(out.contains("### Suppressed (1)\n\n- [`internal/cache/tokens.go:3`](https://github.com/o/r/blob/abc123/internal/cache/tokens.go#L3) package-level map 'tokens' only grows — `go/unbounded-global-map`, suppressed (inSource): filled once at start-up\n"))
    }

    @Test func codeSpansKeptOtherMarkdownEscaped() {
        var r = SampleScan.empty
        var f = SampleScan.task
        f.message = "map `m` (map[string]*T) grows_fast <b> in `a|b` and ` stray"
        r.findings = [f]
        let out = text(ChecklistReporter.render(r))
        #expect(out.contains("**error**: map `m` (map\\[string\\]\\*T) grows\\_fast \\<b\\> in `a|b` and \\` stray\n"))
    }

    @Test func longListsAreCappedForPullRequestComments() {
        var r = SampleScan.empty
        r.findings = (0..<2_000).map { i in
            var f = SampleScan.sessions
            f.location.path = "pkg\(i)/sessions.go"
            f.fix?.snippet = String(repeating: "x", count: 200)
            return f
        }
        let out = text(ChecklistReporter.render(r))
        #expect(out.utf8.count < 65_536)
        #expect(out.contains("**2000 findings to review**"))
        #expect(out.components(separatedBy: "/sessions.go:12`]").count - 1 == ChecklistReporter.maxFindingsPerItem)
        #expect(out.contains("    - … and 1990 more findings (see the full report: `leaklint scan --format text`)\n"))
    }

    @Test func fenceLongerThanBackticksInSnippet() {
        var r = SampleScan.empty
        var f = SampleScan.task
        f.fix = Fix(description: "d", applicability: .safe, snippet: "let s = \"```\"")
        r.findings = [f]
        let out = text(ChecklistReporter.render(r))
        #expect(out.contains("      ````swift\n      let s = \"```\"\n      ````\n"))
    }

    @Test func deterministic() {
        var shuffled = SampleScan.result
        shuffled.findings.reverse()
        shuffled.rules.reverse()
        shuffled.notifications.reverse()
        #expect(ChecklistReporter.render(shuffled) == ChecklistReporter.render(SampleScan.result))
    }
}
