import Foundation
import LeakLintCore
@testable import LeakLintEngine
import Testing

/// What the Go rules decide beyond "a finding on this line": severities, go.mod versions and
/// the complete fix edits. (Positives and negatives per line live in fixtures/go.)
@Suite struct GoRulesTests {
    func scan(_ files: [String: String], gomod: String? = nil) throws -> ScanResult {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        for (rel, text) in files { TestSupport.write(dir, rel, text) }
        if let g = gomod { TestSupport.write(dir, "go.mod", "module example.com/m\n\ngo \(g)\n") }
        return try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], jobs: 2)).run()
    }

    @Test func requestKeyedMapsAreErrorsOtherKeysWarnings() throws {
        let r = try scan(["a.go": """
        package a
        var sessions = map[string]int{}
        var hashes = map[uint64]int{}
        func Login(sessionID string) { sessions[sessionID] = 1 }
        func Mark(h uint64) { hashes[h] = 1 }
        """])
        let bySymbol = Dictionary(uniqueKeysWithValues: r.findings.map { ($0.symbol, $0.severity) })
        #expect(bySymbol["sessions"] == .error)
        #expect(bySymbol["hashes"] == .warning)
    }

    static let ticker = """
    package t
    import "time"
    func Poll(done func() bool) {
        t := time.NewTicker(time.Second)
        for range t.C {
            if done() { return }
        }
    }
    func Forever(work func()) {
        t := time.NewTicker(time.Second)
        for range t.C {
            work()
        }
    }
    """

    @Test(arguments: [("1.22", Severity.warning), ("1.23", Severity.note), ("1.24.1", Severity.note)])
    func unstoppedTickerSeverityFollowsGoMod(_ version: String, _ expected: Severity) throws {
        let r = try scan(["t.go": Self.ticker], gomod: version)
        let tickers = r.findings.filter { $0.ruleID == "go/ticker-not-stopped" }
        #expect(tickers.count == 2)
        // An unreferenced ticker is collected from Go 1.23 on; one that drives a loop that never
        // ends is not, at any version.
        #expect(tickers.first { $0.symbol.hasPrefix("Poll") }?.severity == expected)
        #expect(tickers.first { $0.symbol.hasPrefix("Forever") }?.severity == .warning)
    }

    @Test func configuredSeverityIsFinal() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "a.go", "package a\nvar s = map[string]int{}\nfunc Put(userID string) { s[userID] = 1 }\n")
        TestSupport.write(dir, ".leaklint.yml", "severity:\n  go/unbounded-global-map: note\n")
        let r = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir])).run()
        #expect(r.findings.map(\.severity) == [.note])
    }

    @Test func blockedSendFixIsACompleteSafeEdit() throws {
        let src = """
        package f
        import "context"
        func Fetch(ctx context.Context, call func() int) (int, error) {
            ch := make(chan int)
            go func() { ch <- call() }()
            select {
            case v := <-ch:
                return v, nil
            case <-ctx.Done():
                return 0, ctx.Err()
            }
        }
        """
        let r = try scan(["f.go": src])
        let f = try #require(r.findings.first { $0.ruleID == "go/goroutine-blocked-send" })
        let fix = try #require(f.fix)
        #expect(fix.applicability == .safe)
        try #require(fix.edits.count == 1)
        var bytes = Array(src.utf8)
        let e = fix.edits[0]
        bytes.replaceSubrange(e.start..<e.end, with: Array(e.replacement.utf8))
        #expect(String(decoding: bytes, as: UTF8.self).contains("ch := make(chan int, 1)"))
        #expect(f.related.contains { $0.message.contains("unbuffered") })
    }

    @Test func tickerFixInsertsDeferAtTheCallsIndentation() throws {
        let src = "package t\nimport \"time\"\nfunc P() {\n\tt := time.NewTicker(time.Second)\n\t<-t.C\n}\n"
        let r = try scan(["t.go": src])
        let f = try #require(r.findings.first { $0.ruleID == "go/ticker-not-stopped" })
        let e = try #require(f.fix?.edits.first)
        var bytes = Array(src.utf8)
        bytes.replaceSubrange(e.start..<e.end, with: Array(e.replacement.utf8))
        #expect(String(decoding: bytes, as: UTF8.self).contains("\tt := time.NewTicker(time.Second)\n\tdefer t.Stop()\n\t<-t.C"))
    }

    @Test func crossFileDeleteSilencesTheMap() throws {
        let r = try scan([
            "a.go": "package a\nvar conns = map[string]int{}\nfunc Open(connID string) { conns[connID] = 1 }\n",
            "b.go": "package a\nfunc Close(connID string) { delete(conns, connID) }\n",
        ])
        #expect(r.findings.isEmpty)
        let alone = try scan(["a.go": "package a\nvar conns = map[string]int{}\nfunc Open(connID string) { conns[connID] = 1 }\n"])
        #expect(alone.findings.map(\.ruleID) == ["go/unbounded-global-map"])
    }

    @Test func relatedLocationsListEveryGrowthSite() throws {
        let r = try scan(["a.go": """
        package a
        var byID = map[int64]string{}
        func A(id int64) { byID[id] = "a" }
        func B(id int64) { byID[id] = "b" }
        """])
        let f = try #require(r.findings.first)
        #expect(f.related.map(\.location.region.startLine) == [3, 4])
        #expect(f.location.region.startLine == 2 && f.location.region.startColumn == 5)
    }

    @Test func findingsInGeneratedFilesAreHeldBackWithANote() throws {
        let files = [
            "mock.go": "// Code generated by counterfeiter. DO NOT EDIT.\npackage a\n\nvar calls = map[string]int{}\n\nfunc Record(id string) { calls[id]++ }\n",
            "a.go": "package a\n\nvar conns = map[string]int{}\n\nfunc Open(connID string) { conns[connID] = 1 }\n",
        ]
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        for (rel, text) in files { TestSupport.write(dir, rel, text) }
        let held = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], jobs: 2)).run()
        #expect(held.findings.map(\.location.path) == ["a.go"])
        let note = try #require(held.notifications.first { $0.id == "generated-code" })
        #expect(note.level == .note && note.message.hasPrefix("1 finding in 1 generated file"))
        var options = ScanOptions(paths: [dir], jobs: 2)
        options.includeGenerated = true
        let all = try LeakLintEngine.Scanner(options: options).run()
        #expect(all.findings.map(\.location.path) == ["a.go", "mock.go"])
        #expect(!all.notifications.contains { $0.id == "generated-code" })
        // The config key does the same; the command line's flag wins over it.
        TestSupport.write(dir, ".leaklint.yml", "include-generated: true\n")
        let configured = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], jobs: 2)).run()
        #expect(configured.findings.count == 2)
        options.includeGenerated = false
        #expect(try LeakLintEngine.Scanner(options: options).run().findings.count == 1)
        // A report limited to other files (pre-commit) holds nothing back, so says nothing.
        var only = ScanOptions(paths: [dir], jobs: 2, onlyFiles: ["a.go"])
        only.includeGenerated = false
        let staged = try LeakLintEngine.Scanner(options: only).run()
        #expect(staged.findings.map(\.location.path) == ["a.go"])
        #expect(!staged.notifications.contains { $0.id == "generated-code" })
    }

    @Test func writesToAnEntryThatExistsAreNoGrowthSites() throws {
        let r = try scan(["a.go": """
        package a
        var tags = map[string][]string{}
        func Track(id, tag string) { tags[id] = []string{tag} }
        func Untag(id, tag string) {
            c := tags[id]
            for i, t := range c {
                if t == tag { tags[id] = append(c[:i], c[i+1:]...); break }
            }
        }
        func Blank(id string) {
            for _, t := range tags[id] { if t == "" { tags[id] = nil } }
        }
        func Reset() { for k := range tags { tags[k] = nil } }
        """])
        let f = try #require(r.findings.first { $0.symbol == "tags" })
        // Only Track adds an entry; the writes inside loops over the entry (or over the map's
        // own keys) rewrite one that exists.
        #expect(f.related.map(\.location.region.startLine) == [3])
    }
}

/// The map → LRU rewrite (`rewrite.*` options of go/unbounded-global-map): produced only when
/// every use of the map in the package can be rewritten.
@Suite struct GoMapRewriteTests {
    func mapFinding(_ files: [String: String]) throws -> Finding {
        let r = try GoRulesTests().scan(files)
        return try #require(r.findings.first { $0.ruleID == "go/unbounded-global-map" && $0.symbol == "byID" })
    }

    static let header = "package p\n\nimport \"fmt\"\n\n"

    @Test func everyUseRewrittenAcrossTheFilesOfThePackage() throws {
        let f = try mapFinding([
            "a.go": Self.header + "var byID = make(map[string]*fmt.Stringer)\n",
            "b.go": """
            package p

            func Put(id string, v *fmt.Stringer) {
            \tbyID[id] = v
            }

            func Get(id string) (*fmt.Stringer, bool) {
            \tv, ok := byID[id]
            \treturn v, ok
            }

            func Peek(id string) *fmt.Stringer {
            \tv := byID[id]
            \treturn v
            }

            func Size() int { return len(byID) }
            """,
        ])
        let fix = try #require(f.fix)
        #expect(fix.applicability == .unsafe)
        let byText = Dictionary(grouping: fix.edits, by: \.replacement).mapValues(\.count)
        #expect(byText["expirable.NewLRU[string, *fmt.Stringer](10_000, nil, 30*time.Minute)"] == 1)
        #expect(byText["byID.Add(id, v)"] == 1)
        #expect(byText["byID.Get(id)"] == 2)
        #expect(byText[", _"] == 1)
        #expect(byText["byID.Len()"] == 1)
        // Both imports go after a.go's package clause; b.go gets none.
        let imports = fix.edits.filter { $0.replacement.contains("import") }
        #expect(imports.count == 1 && imports[0].path.hasSuffix("a.go"))
        #expect(imports[0].replacement.contains("\"github.com/hashicorp/golang-lru/v2/expirable\"")
                && imports[0].replacement.contains("\"time\""))
        #expect(fix.edits.filter { $0.path.hasSuffix("b.go") }.count == 5)  // set, read-ok, read + `, _`, len
    }

    @Test(arguments: [
        ("ranged over", "func All() { for k := range byID { _ = k } }"),
        ("passed on", "func Dump() { fmt.Println(byID) }"),
        ("shadowed by a parameter", "func Shadow(byID map[string]int) { byID[\"x\"] = 1 }"),
        ("read inside an expression", "func Has(id string) bool { return byID[id] != nil }"),
        ("compound assignment", "func Touch(id string) { byID[id] = byID[id] }"),
    ])
    func anyOtherUseKeepsTheFixDisplayOnly(_ what: String, _ code: String) throws {
        let f = try mapFinding(["a.go": Self.header + """
            var byID = make(map[string]*fmt.Stringer)

            func Put(id string, v *fmt.Stringer) { byID[id] = v }

            \(code)
            """])
        #expect(f.fix?.edits.isEmpty == true, "\(what): \(f.fix?.edits.map(\.replacement) ?? [])")
        #expect(f.fix?.applicability == .displayOnly)
    }

    @Test func anExportedMapIsNotRewrittenOtherPackagesMayUseIt() throws {
        let r = try GoRulesTests().scan(["a.go": Self.header + """
            var ByID = make(map[string]*fmt.Stringer)

            func Put(id string, v *fmt.Stringer) { ByID[id] = v }
            """])
        let f = try #require(r.findings.first { $0.symbol == "ByID" })
        #expect(f.fix?.edits.isEmpty == true)
    }

    @Test func aMapCreatedWithEntriesIsNotRewritten() throws {
        let f = try mapFinding(["a.go": Self.header + """
            var byID = map[string]*fmt.Stringer{"root": nil}

            func Put(id string, v *fmt.Stringer) { byID[id] = v }
            """])
        #expect(f.fix?.edits.isEmpty == true)
    }

}

