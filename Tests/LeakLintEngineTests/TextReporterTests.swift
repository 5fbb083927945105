import Foundation
import LeakLintCore
import LeakLintEngine
import LeakLintReport
import Testing

// MARK: - A hand-made scan result shared by the reporter tests

/// Findings with related locations, a fix with edits and one without, a suppressed finding,
/// a baseline state, notifications with and without a path, a path with a space and non-ASCII.
enum SampleScan {
    static func region(_ line: Int, _ col: Int, _ endCol: Int, endLine: Int? = nil, offset: Int = 0) -> Region {
        Region(startLine: line, startColumn: col, endLine: endLine ?? line, endColumn: endCol,
               byteOffset: offset, byteLength: max(0, endCol - col))
    }

    static func rule(_ id: String, _ family: Family, _ severity: Severity, _ lang: Language, checklist: String,
                     fix: RuleFix? = nil) -> Rule {
        Rule(id: id, summary: "Summary of \(id)", severity: severity, family: family, languages: [lang],
             analysis: "container-growth", message: "{name} grows", description: """
                ## Why is this a leak?

                The container `\(id)` lives as long as the process and only grows.
                Nothing ever removes an entry.

                ## Example

                ```
                leaky code
                ```
                """,
             fix: fix, checklist: checklist, vocabulary: [:])
    }

    /// `RuleFix` has no public memberwise initialiser; it is Decodable, as the rule loader reads it.
    static func ruleFix(_ applicability: String, _ description: String, _ template: String) -> RuleFix {
        let json = #"{"applicability": "\#(applicability)", "description": "\#(description)", "template": "\#(template)"}"#
        return try! JSONDecoder().decode(RuleFix.self, from: Data(json.utf8))
    }

    static let rules: [Rule] = [
        rule("go/unbounded-global-map", .unboundedMap, .warning, .go, checklist: "Package-level maps have an eviction path",
             fix: ruleFix("unsafe", "Replace {name} with a size-capped LRU", "var {name} = lru.New(1000)")),
        rule("go/append-only-slice", .appendOnly, .note, .go, checklist: "Package-level slices are trimmed"),
        rule("java/unremoved-listener", .listener, .warning, .java, checklist: "Every addListener has a removeListener"),
        rule("swift/task-never-cancelled", .uncancelledTask, .error, .swift, checklist: "Long-running Tasks are cancelled"),
    ]

    static let sessions = Finding(
        ruleID: "go/unbounded-global-map", family: .unboundedMap, severity: .warning,
        message: "package-level map 'sessions' (map[string]*Session) only grows: 2 inserts, no delete",
        location: Location(path: "internal/cache/sessions.go", region: region(12, 5, 13, offset: 140),
                           snippet: "var sessions = make(map[string]*Session)"),
        related: [
            RelatedLocation(location: Location(path: "internal/cache/sessions.go", region: region(30, 2, 24),
                                               snippet: "\tsessions[id] = s"), message: "insert into 'sessions'"),
            RelatedLocation(location: Location(path: "internal/http/login.go", region: region(8, 3, 20),
                                               snippet: "\t\tcache.sessions[k] = v"), message: "insert into 'sessions'"),
        ],
        symbol: "sessions",
        fix: Fix(description: "Replace 'sessions' with a size-capped LRU with a TTL", applicability: .unsafe,
                 snippet: "var sessions = expirable.NewLRU[string, *Session](10_000, nil, 30*time.Minute)\n\n// evicts the oldest entry",
                 edits: [TextEdit(path: "internal/cache/sessions.go", start: 140, end: 180,
                                  replacement: "var sessions = expirable.NewLRU[string, *Session](10_000, nil, 30*time.Minute)",
                                  region: region(12, 1, 41))]),
        baselineState: "new")

    static let listener = Finding(
        ruleID: "java/unremoved-listener", family: .listener, severity: .warning,
        message: "listener registered with bus.addListener(...) is never removed",
        location: Location(path: "src/main/java/com/shop/Événements Bus.java", region: region(40, 9, 46),
                           snippet: "        bus.addListener(e -> prix.put(e.id(), e)); // é"),
        related: [RelatedLocation(location: Location(path: "src/main/java/com/shop/Événements Bus.java", region: region(12, 5, 30),
                                                     snippet: "    private final Bus bus;"), message: "registry 'bus'")],
        symbol: "Bus.addListener",
        fix: Fix(description: "Keep the registration and remove it in close()", applicability: .displayOnly,
                 snippet: "var registration = bus.addListener(handler);\n// in close():\nbus.removeListener(registration);"))

    static let task = Finding(
        ruleID: "swift/task-never-cancelled", family: .uncancelledTask, severity: .error,
        message: "Task loops forever and is never cancelled",
        location: Location(path: "Sources/App/Poller.swift", region: region(7, 9, 3, endLine: 15),
                           snippet: "        Task {"),
        symbol: "Poller.start")

    static let suppressed = Finding(
        ruleID: "go/unbounded-global-map", family: .unboundedMap, severity: .warning,
        message: "package-level map 'tokens' only grows",
        location: Location(path: "internal/cache/tokens.go", region: region(3, 5, 11), snippet: "var tokens = map[string]bool{}"),
        symbol: "tokens",
        suppression: SuppressionInfo(kind: "inSource", justification: "filled once at start-up"))

    static let notifications: [ToolNotification] = [
        ToolNotification(level: .error, id: "parse-problem", message: "unterminated raw string", path: "cmd/broken.go", line: 7),
        ToolNotification(level: .warning, id: "binary-file", message: "binary file skipped", path: "assets/blob data.go"),
        ToolNotification(level: .warning, id: "config", message: "unknown vocabulary key 'grow' ignored"),
    ]

    static var result: ScanResult {
        ScanResult(root: "/home/dev/shop app", findings: [task, suppressed, listener, sessions],
                   notifications: notifications, rules: rules, filesScanned: 42, linesScanned: 3_400)
    }

    static var empty: ScanResult {
        ScanResult(root: "/home/dev/shop app", findings: [], notifications: [], rules: rules,
                   filesScanned: 3, linesScanned: 120)
    }
}

// MARK: - Golden files

enum Golden {
    static let directory: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// The repository root (…/Tests/LeakLintEngineTests/ThisFile.swift → …).
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Compares `bytes` with the golden file `name`; `LEAKLINT_UPDATE_GOLDEN=1` rewrites it.
    static func check(_ bytes: [UInt8], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["LEAKLINT_UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? Data(bytes).write(to: url)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("golden file \(name) is missing; run with LEAKLINT_UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        let expected = [UInt8](data)
        if expected != bytes {
            let got = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let want = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let line = Array(zip(got, want)).firstIndex { $0.0 != $0.1 } ?? min(got.count, want.count)
            let g = line < got.count ? String(got[line]) : "<end>"
            let w = line < want.count ? String(want[line]) : "<end>"
            Issue.record("\(name) differs at line \(line + 1):\n  got:  \(g)\n  want: \(w)", sourceLocation: sourceLocation)
        }
    }
}

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

// MARK: - Text reporter

@Suite struct TextReporterTests {
    @Test func goldenOutput() {
        Golden.check(TextReporter.render(SampleScan.result), "sample.txt")
        Golden.check(TextReporter.render(SampleScan.result, options: ReportOptions(includeSuppressed: true)), "sample-suppressed.txt")
    }

    @Test func compilerStyleLinesWithRelatedNotesAndFix() {
        let out = text(TextReporter.render(SampleScan.result))
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let i = try! #require(lines.firstIndex(of:
            "internal/cache/sessions.go:12:5: warning: package-level map 'sessions' (map[string]*Session) only grows: 2 inserts, no delete [go/unbounded-global-map]"))
        #expect(lines[i + 1] == "  internal/cache/sessions.go:30:2: note: insert into 'sessions'")
        #expect(lines[i + 2] == "  internal/http/login.go:8:3: note: insert into 'sessions'")
        #expect(lines[i + 3] == "  fix (unsafe): Replace 'sessions' with a size-capped LRU with a TTL")
        #expect(lines[i + 4] == "    var sessions = expirable.NewLRU[string, *Session](10_000, nil, 30*time.Minute)")
        #expect(lines[i + 5] == "")
        #expect(lines[i + 6] == "    // evicts the oldest entry")
        #expect(out.contains("src/main/java/com/shop/Événements Bus.java:40:9: warning: listener registered"))
        #expect(out.contains("cmd/broken.go:7:1: error: unterminated raw string [leaklint/parse-problem]\n"))
        #expect(out.contains("assets/blob data.go:1:1: warning: binary file skipped [leaklint/binary-file]\n"))
        #expect(out.contains("leaklint: warning: unknown vocabulary key 'grow' ignored [leaklint/config]\n"))
        #expect(out.hasSuffix("3 findings (1 error, 2 warnings, 0 notes) in 42 files, 3400 lines; 1 suppressed; 1 scan error (see above)\n"))
        // Suppressed findings are hidden unless asked for.
        #expect(!out.contains("tokens.go"))
        let withSuppressed = text(TextReporter.render(SampleScan.result, options: ReportOptions(includeSuppressed: true)))
        #expect(withSuppressed.contains("internal/cache/tokens.go:3:5: warning: package-level map 'tokens' only grows [go/unbounded-global-map] (suppressed inSource: filled once at start-up)"))
        // Findings sorted by path: Sources/ < internal/ < src/ (byte order).
        let order = ["Sources/App/Poller.swift:7:9", "internal/cache/sessions.go:12:5", "src/main/java"].map { out.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
    }

    @Test func emptyResultSaysNoLeaks() {
        let out = text(TextReporter.render(SampleScan.empty))
        #expect(out == "no leaks found in 3 files, 120 lines\n")
        let one = ScanResult(root: "/r", findings: [SampleScan.task], notifications: [], rules: [], filesScanned: 1, linesScanned: 1)
        #expect(text(TextReporter.render(one)).hasSuffix("1 finding (1 error, 0 warnings, 0 notes) in 1 file, 1 line\n"))
    }

    @Test func colourOnlyWhenAsked() {
        let plain = TextReporter.render(SampleScan.result)
        #expect(!plain.contains(0x1B))
        let coloured = text(TextReporter.render(SampleScan.result, options: ReportOptions(color: true)))
        #expect(coloured.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[1;35mwarning:\u{1B}[0m"))
        // Stripping the escapes gives back the plain text.
        #expect(stripANSI(coloured) == text(plain))
    }

    @Test func deterministicAndOrderIndependent() {
        let a = TextReporter.render(SampleScan.result)
        let b = TextReporter.render(SampleScan.result)
        #expect(a == b)
        var shuffled = SampleScan.result
        shuffled.findings.reverse()
        shuffled.notifications.reverse()
        #expect(TextReporter.render(shuffled) == a)
    }

    @Test func crlfSnippetLinesAreNormalised() {
        var r = SampleScan.empty
        var f = SampleScan.task
        f.fix = Fix(description: "cancel it", applicability: .safe, snippet: "a\r\nb\r\n")
        r.findings = [f]
        let out = text(TextReporter.render(r))
        #expect(out.contains("  fix (safe): cancel it\n    a\n    b\n"))
        #expect(!out.contains("\r"))
    }
}

func stripANSI(_ s: String) -> String {
    var out: [UInt8] = []
    let b = Array(s.utf8)
    var i = 0
    while i < b.count {
        if b[i] == 0x1B, i + 1 < b.count, b[i + 1] == UInt8(ascii: "[") {
            i += 2
            while i < b.count, !(b[i] >= 0x40 && b[i] <= 0x7E) { i += 1 }
            i += 1
            continue
        }
        out.append(b[i]); i += 1
    }
    return String(decoding: out, as: UTF8.self)
}
