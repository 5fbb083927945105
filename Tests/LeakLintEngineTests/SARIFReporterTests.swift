import Foundation
import LeakLintCore
import LeakLintEngine
import LeakLintReport
import Testing

@Suite struct SARIFReporterTests {
    @Test func goldenOutput() {
        Golden.check(SARIFReporter.render(SampleScan.result), "sample.sarif")
        Golden.check(SARIFReporter.render(SampleScan.result, options: ReportOptions(includeSuppressed: true)), "sample-suppressed.sarif")
        Golden.check(SARIFReporter.render(SampleScan.empty), "empty.sarif")
    }

    private func run(_ bytes: [UInt8]) throws -> [String: Any] {
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let runs = try #require(doc["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        return runs[0]
    }

    @Test func driverAndRuleDescriptors() throws {
        let run = try run(SARIFReporter.render(SampleScan.result))
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "leaklint")
        #expect(driver["version"] as? String == LeakLintVersion.string)
        #expect(driver["semanticVersion"] as? String == LeakLintVersion.string)
        #expect(driver["informationUri"] as? String == LeakLintVersion.informationURI)
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == ["go/append-only-slice", "go/unbounded-global-map",
                                                      "java/unremoved-listener", "swift/task-never-cancelled"])
        let map = rules[1]
        #expect(map["name"] as? String == "UnboundedGlobalMap")
        #expect((map["shortDescription"] as? [String: Any])?["text"] as? String == "Summary of go/unbounded-global-map")
        #expect((map["fullDescription"] as? [String: Any])?["text"] as? String ==
                "The container `go/unbounded-global-map` lives as long as the process and only grows. Nothing ever removes an entry.")
        let help = try #require(map["help"] as? [String: Any])
        let markdown = try #require(help["markdown"] as? String)
        #expect(markdown.hasPrefix("## Why is this a leak?"))
        #expect(markdown.contains("## Suggested fix (unsafe)\n\nReplace {name} with a size-capped LRU\n\n```go\nvar {name} = lru.New(1000)\n```"))
        #expect(markdown.contains("- [ ] Package-level maps have an eviction path"))
        #expect(map["helpUri"] as? String == "https://github.com/leaklint/leaklint/blob/main/Rules/go/unbounded-global-map.yaml")
        #expect((map["defaultConfiguration"] as? [String: Any])?["level"] as? String == "warning")
        let props = try #require(map["properties"] as? [String: Any])
        #expect(props["tags"] as? [String] == ["memory-leak", "unbounded-map", "go"])
        #expect(props["precision"] as? String == "medium")
    }

    @Test func resultsLocationsFingerprintsFixes() throws {
        let run = try run(SARIFReporter.render(SampleScan.result))
        #expect(run["columnKind"] as? String == "unicodeCodePoints")
        let base = try #require((run["originalUriBaseIds"] as? [String: Any])?["%SRCROOT%"] as? [String: Any])
        #expect(base["uri"] as? String == "file:///home/dev/shop%20app/")
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 3)
        #expect(results.allSatisfy { $0["suppressions"] == nil })

        let s = try #require(results.first { $0["ruleId"] as? String == "go/unbounded-global-map" })
        #expect(s["ruleIndex"] as? Int == 1)
        #expect(s["level"] as? String == "warning")
        #expect(s["baselineState"] as? String == "new")
        let message = try #require((s["message"] as? [String: Any])?["text"] as? String)
        #expect(message.hasPrefix("package-level map 'sessions'"))
        #expect(message.contains("\n\nSuggested fix (unsafe): Replace 'sessions' with a size-capped LRU with a TTL\n\nvar sessions = expirable.NewLRU"))
        let phys = try #require(((s["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
        let art = try #require(phys["artifactLocation"] as? [String: Any])
        #expect(art["uri"] as? String == "internal/cache/sessions.go")
        #expect(art["uriBaseId"] as? String == "%SRCROOT%")
        let region = try #require(phys["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 12 && region["startColumn"] as? Int == 5)
        #expect(region["endLine"] as? Int == 12 && region["endColumn"] as? Int == 13)
        #expect((region["snippet"] as? [String: Any])?["text"] as? String == "sessions")
        #expect(((phys["contextRegion"] as? [String: Any])?["snippet"] as? [String: Any])?["text"] as? String ==
                "var sessions = make(map[string]*Session)")
        #expect(s["partialFingerprints"] as? [String: String] == ["leaklintFingerprint/v1": SampleScan.sessions.fingerprint])
        let related = try #require(s["relatedLocations"] as? [[String: Any]])
        #expect(related.map { $0["id"] as? Int } == [1, 2])
        #expect((related[1]["message"] as? [String: Any])?["text"] as? String == "insert into 'sessions'")
        let fixes = try #require(s["fixes"] as? [[String: Any]])
        let change = try #require((fixes.first?["artifactChanges"] as? [[String: Any]])?.first)
        let repl = try #require((change["replacements"] as? [[String: Any]])?.first)
        #expect(repl["deletedRegion"] as? [String: Int] == ["startLine": 12, "startColumn": 1, "endLine": 12, "endColumn": 41])
        #expect((repl["insertedContent"] as? [String: Any])?["text"] as? String ==
                "var sessions = expirable.NewLRU[string, *Session](10_000, nil, 30*time.Minute)")

        // A fix without edits is in the message, never in `fixes`.
        let l = try #require(results.first { $0["ruleId"] as? String == "java/unremoved-listener" })
        #expect(l["fixes"] == nil)
        #expect(((l["message"] as? [String: Any])?["text"] as? String)?.contains("Suggested fix (display-only)") == true)
        let lArt = try #require(((((l["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])?["artifactLocation"]) as? [String: Any])
        #expect(lArt["uri"] as? String == "src/main/java/com/shop/%C3%89v%C3%A9nements%20Bus.java")

        // Multi-line region: no snippet (only the first line is known), no context region.
        let t = try #require(results.first { $0["ruleId"] as? String == "swift/task-never-cancelled" })
        let tPhys = try #require(((t["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
        #expect((tPhys["region"] as? [String: Any])?["endLine"] as? Int == 15)
        #expect((tPhys["region"] as? [String: Any])?["snippet"] == nil)
        #expect(tPhys["contextRegion"] == nil)
    }

    @Test func notificationsAndSuppressions() throws {
        let plain = try run(SARIFReporter.render(SampleScan.result))
        let inv = try #require((plain["invocations"] as? [[String: Any]])?.first)
        #expect(inv["executionSuccessful"] as? Bool == false)   // a file could not be analysed
        let notes = try #require(inv["toolExecutionNotifications"] as? [[String: Any]])
        #expect(notes.count == 3)
        let parse = try #require(notes.first { ($0["descriptor"] as? [String: Any])?["id"] as? String == "parse-problem" })
        #expect(parse["level"] as? String == "error")
        let loc = try #require(((parse["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
        #expect((loc["artifactLocation"] as? [String: Any])?["uri"] as? String == "cmd/broken.go")
        #expect((loc["region"] as? [String: Any])?["startLine"] as? Int == 7)
        let config = try #require(notes.first { ($0["descriptor"] as? [String: Any])?["id"] as? String == "config" })
        #expect(config["locations"] == nil)

        let with = try run(SARIFReporter.render(SampleScan.result, options: ReportOptions(includeSuppressed: true)))
        let results = try #require(with["results"] as? [[String: Any]])
        #expect(results.count == 4)
        // SARIF 3.27.23: all results carry `suppressions` once any does.
        #expect(results.allSatisfy { $0["suppressions"] is [Any] })
        let t = try #require(results.first { ($0["suppressions"] as? [Any])?.isEmpty == false })
        let sup = try #require((t["suppressions"] as? [[String: Any]])?.first)
        #expect(sup["kind"] as? String == "inSource")
        #expect(sup["justification"] as? String == "filled once at start-up")
        let empty = try run(SARIFReporter.render(SampleScan.empty))
        #expect((empty["results"] as? [Any])?.isEmpty == true)
        #expect(((empty["invocations"] as? [[String: Any]])?.first)?["executionSuccessful"] as? Bool == true)
    }

    @Test func resultCapAddsNotification() throws {
        var many = SampleScan.empty
        many.findings = (0..<7).map { i in
            var f = SampleScan.task
            f.location.path = "Sources/F\(i).swift"
            return f
        }
        let run = try run(SARIFReporter.render(many, options: ReportOptions(sarifResultLimit: 5)))
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 5)
        let last = ((((results.last?["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String
        #expect(last == "Sources/F4.swift")   // the first five in sorted order are kept
        let notes = try #require(((run["invocations"] as? [[String: Any]])?.first)?["toolExecutionNotifications"] as? [[String: Any]])
        let capped = try #require(notes.first { ($0["descriptor"] as? [String: Any])?["id"] as? String == "results-capped" })
        #expect(capped["level"] as? String == "warning")
        #expect(((capped["message"] as? [String: Any])?["text"] as? String)?.hasPrefix("2 results dropped") == true)
    }

    @Test func defaultCapIsGitHubsLimit() throws {
        #expect(ReportOptions().sarifResultLimit == 25_000)
        // Below the cap nothing is dropped and no notification is added.
        var many = SampleScan.empty
        many.findings = (0..<2_000).map { i in
            var g = SampleScan.task
            g.location.region.startLine = i + 1
            g.location.region.endLine = i + 2
            return g
        }
        let run = try run(SARIFReporter.render(many))
        #expect((run["results"] as? [Any])?.count == 2_000)
        let notes = ((run["invocations"] as? [[String: Any]])?.first)?["toolExecutionNotifications"] as? [Any]
        #expect(notes?.isEmpty == true)
    }

    @Test func regionSnippetSkipsBOMAndCountsCodePoints() throws {
        var r = SampleScan.empty
        var f = SampleScan.task
        // Line 1 of a file with a BOM: columns do not count the BOM; "é" is one code point.
        f.location = Location(path: "a.go", region: SampleScan.region(1, 5, 10), snippet: "\u{FEFF}var été = 1")
        r.findings = [f]
        let run = try run(SARIFReporter.render(r))
        let region = try #require((((run["results"] as? [[String: Any]])?.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])
        #expect((region["snippet"] as? [String: Any])?["text"] as? String == "été =")
    }

    @Test func namesAndURIs() {
        #expect(SARIFReporter.camelCase("unbounded-global-map") == "UnboundedGlobalMap")
        #expect(SARIFReporter.camelCase("executor-never-shutdown") == "ExecutorNeverShutdown")
        #expect(URIText.encodePath("Sources/My File.swift") == "Sources/My%20File.swift")
        #expect(URIText.encodePath("a:b/c#d?e%f") == "a%3Ab/c%23d%3Fe%25f")
        #expect(URIText.encodePath("données/ü.go") == "donn%C3%A9es/%C3%BC.go")
        #expect(URIText.fileURI(directory: "/") == "file:///")
        #expect(URIText.fileURI(directory: "/a b/c") == "file:///a%20b/c/")
    }

    @Test func deterministic() {
        var shuffled = SampleScan.result
        shuffled.findings.reverse()
        shuffled.notifications.reverse()
        shuffled.rules.reverse()
        #expect(SARIFReporter.render(shuffled) == SARIFReporter.render(SampleScan.result))
    }

    /// Runs `../shared/schemas/validate_sarif.py --github` on the sample, the suppressed variant
    /// and an empty result.
    @Test func passesSchemaAndGitHubValidation() throws {
        let script = Golden.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/schemas/validate_sarif.py").path
        guard FileManager.default.fileExists(atPath: script) else {
            Issue.record("SKIPPED: \(script) is missing, SARIF validity not checked")
            return
        }
        // The first python3 on PATH that has `jsonschema` (the script's one dependency).
        let candidates = [which("python3"), "/usr/local/bin/python3", "/usr/bin/python3"].compactMap { $0 }
        guard let python = candidates.first(where: {
            FileManager.default.isExecutableFile(atPath: $0) && runProcess($0, ["-c", "import jsonschema"]).0 == 0 }) else {
            Issue.record("SKIPPED: no python3 with the jsonschema package found, SARIF validity not checked")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leaklint-sarif-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, [UInt8])] = [
            ("sample.sarif", SARIFReporter.render(SampleScan.result)),
            ("suppressed.sarif", SARIFReporter.render(SampleScan.result, options: ReportOptions(includeSuppressed: true))),
            ("empty.sarif", SARIFReporter.render(SampleScan.empty)),
        ]
        var files: [String] = []
        for (name, bytes) in cases {
            let url = dir.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            files.append(url.path)
        }
        let (status, out) = runProcess(python, [script, "--github"] + files)
        #expect(status == 0, "validate_sarif.py failed:\n\(out)")
        for f in files { #expect(out.contains("\(f): OK"), "\(out)") }
        // No schema errors and no GitHub errors at all (warnings about primaryLocationLineHash are expected:
        // upload-sarif computes that hash from the file contents).
        #expect(!out.contains(": error: "), "\(out)")
    }
}

func which(_ tool: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        let p = "\(dir)/\(tool)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

/// Runs a program, returning its exit status and combined output.
func runProcess(_ exe: String, _ args: [String], environment: [String: String]? = nil, cwd: String? = nil) -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    if let environment { p.environment = environment }
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    do { try p.run() } catch { return (-1, "cannot run \(exe): \(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// SARIF carries GitHub's `primaryLocationLineHash` for each result (what the upload action
/// would add), so uploads through the REST API do not duplicate alerts when lines move.
@Suite struct SARIFLineHashTests {
    @Test func everyResultHasTheLineHashOfItsFirstLine() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        let text = "package p\n\nvar seen = map[string]bool{}\n\nfunc Mark(id string) { seen[id] = true }\n"
        TestSupport.write(dir, "p.go", text)
        let scan = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], jobs: 1)).run()
        let sarif = SARIFReporter.render(scan)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(sarif)) as? [String: Any])
        let run = try #require((doc["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 1)
        let fp = try #require(results[0]["partialFingerprints"] as? [String: String])
        #expect(fp["primaryLocationLineHash"] == LineHash.hashes(Array(text.utf8))[3])
        #expect(fp["primaryLocationLineHash"]?.hasSuffix(":1") == true)
    }
}
