import Foundation
import LeakLintCore
import LeakLintEngine
import LeakLintReport
import Testing

@Suite struct JSONReporterTests {
    @Test func goldenOutput() {
        Golden.check(JSONReporter.render(SampleScan.result), "sample.json")
    }

    private func parse(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func documentedSchema() throws {
        let doc = try parse(JSONReporter.render(SampleScan.result))
        #expect(doc["version"] as? Int == 1)
        #expect(doc["root"] as? String == "/home/dev/shop app")
        let tool = try #require(doc["tool"] as? [String: Any])
        #expect(tool["name"] as? String == "leaklint")
        #expect(tool["version"] as? String == LeakLintVersion.string)
        let findings = try #require(doc["findings"] as? [[String: Any]])
        #expect(findings.count == 3)   // the suppressed one is left out
        let s = try #require(findings.first { $0["symbol"] as? String == "sessions" })
        #expect(s["ruleId"] as? String == "go/unbounded-global-map")
        #expect(s["family"] as? String == "unbounded-map")
        #expect(s["severity"] as? String == "warning")
        #expect(s["path"] as? String == "internal/cache/sessions.go")
        #expect(s["line"] as? Int == 12 && s["column"] as? Int == 5 && s["endLine"] as? Int == 12 && s["endColumn"] as? Int == 13)
        #expect(s["fingerprint"] as? String == SampleScan.sessions.fingerprint)
        #expect(s["baselineState"] as? String == "new")
        #expect(s["suppressed"] == nil)
        let related = try #require(s["related"] as? [[String: Any]])
        #expect(related.count == 2)
        #expect(related[1]["path"] as? String == "internal/http/login.go")
        #expect(related[1]["message"] as? String == "insert into 'sessions'")
        let fix = try #require(s["fix"] as? [String: Any])
        #expect(fix["applicability"] as? String == "unsafe")
        let edits = try #require(fix["edits"] as? [[String: Any]])
        #expect(edits.count == 1)
        #expect(edits[0]["startOffset"] as? Int == 140 && edits[0]["endOffset"] as? Int == 180)
        #expect(edits[0]["line"] as? Int == 12)
        let listener = try #require(findings.first { $0["ruleId"] as? String == "java/unremoved-listener" })
        #expect(listener["path"] as? String == "src/main/java/com/shop/Événements Bus.java")
        #expect((listener["fix"] as? [String: Any])?["edits"] as? [Any] != nil)
        let task = try #require(findings.first { $0["ruleId"] as? String == "swift/task-never-cancelled" })
        #expect(task["fix"] == nil)
        let notes = try #require(doc["notifications"] as? [[String: Any]])
        #expect(notes.count == 3)
        #expect(notes.contains { $0["id"] as? String == "config" && $0["path"] == nil })
        #expect(notes.contains { $0["id"] as? String == "parse-problem" && $0["line"] as? Int == 7 && $0["level"] as? String == "error" })
        let stats = try #require(doc["stats"] as? [String: Any])
        #expect(stats["files"] as? Int == 42 && stats["lines"] as? Int == 3400)
        #expect(stats["findings"] as? Int == 3 && stats["suppressed"] as? Int == 1 && stats["errors"] as? Int == 1)
    }

    @Test func suppressedIncludedOnRequest() throws {
        let doc = try parse(JSONReporter.render(SampleScan.result, options: ReportOptions(includeSuppressed: true)))
        let findings = try #require(doc["findings"] as? [[String: Any]])
        #expect(findings.count == 4)
        let t = try #require(findings.first { $0["symbol"] as? String == "tokens" })
        let s = try #require(t["suppressed"] as? [String: Any])
        #expect(s["kind"] as? String == "inSource")
        #expect(s["justification"] as? String == "filled once at start-up")
    }

    @Test func keysSortedTwoSpaceIndentDeterministic() {
        let a = JSONReporter.render(SampleScan.result)
        #expect(a == JSONReporter.render(SampleScan.result))
        var shuffled = SampleScan.result
        shuffled.findings.reverse()
        shuffled.notifications.reverse()
        #expect(JSONReporter.render(shuffled) == a)
        let s = text(a)
        #expect(s.hasPrefix("{\n  \"findings\": [\n    {\n      \"baselineState\": \"new\",") ||
                s.hasPrefix("{\n  \"findings\": [\n    {\n      \"column\""))
        #expect(s.hasSuffix("\n}\n"))
        // Top-level keys in byte order.
        let top = s.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(top == ["findings", "notifications", "root", "stats", "tool", "version"])
    }

    @Test func stringEscaping() {
        let v = JSONValue.obj([("s", .string("a\"b\\c\n\t\r\u{01}\u{7F}é😀/")), ("n", .null), ("b", .bool(true)), ("i", .int(-3)),
                               ("e", .array([])), ("o", .object([:]))])
        let s = text(v.serialized())
        #expect(s == "{\n  \"b\": true,\n  \"e\": [],\n  \"i\": -3,\n  \"n\": null,\n  \"o\": {},\n  \"s\": \"a\\\"b\\\\c\\n\\t\\r\\u0001\\u007fé😀/\"\n}\n")
        // Foundation reads back exactly the same string.
        let back = try? JSONSerialization.jsonObject(with: Data(v.serialized())) as? [String: Any]
        #expect(back?["s"] as? String == "a\"b\\c\n\t\r\u{01}\u{7F}é😀/")
    }

    @Test func emptyResult() throws {
        let doc = try parse(JSONReporter.render(SampleScan.empty))
        #expect((doc["findings"] as? [Any])?.isEmpty == true)
        #expect((doc["notifications"] as? [Any])?.isEmpty == true)
    }
}
