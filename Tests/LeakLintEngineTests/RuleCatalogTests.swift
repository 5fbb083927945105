import Foundation
import LeakLintCore
@testable import LeakLintEngine
import Testing

@Suite struct RuleCatalogTests {
    static let sample = """
        id: go/sample-rule
        summary: A sample.
        severity: warning
        family: unbounded-map
        languages: [go]
        analysis: container-growth
        message: "{name} grows"
        description: |
          ## Why is this a leak?
          It grows.

          ## Example
          ```go
          var m = map[string]int{}
          ```

          ## Use instead
          An LRU.

          ## Fix safety
          Unsafe.
        fix:
          applicability: display-only
          description: Bound {name}
          template: "lru.New[{key}, {value}](10_000)"
        checklist: Is every global map bounded?
        vocabulary:
          grow-calls: [index-set, "call:Store"]
          shrink-calls: []
        options:
          role-of-growth: normal
        """

    func error(_ yaml: String, path: String = "go/sample-rule.yaml") -> String? {
        do {
            _ = try RuleCatalog.parse(yaml: yaml, path: path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    // MARK: Parsing

    @Test func parsesEveryField() throws {
        let r = try RuleCatalog.parse(yaml: Self.sample, path: "go/sample-rule.yaml")
        #expect(r.id == "go/sample-rule")
        #expect(r.summary == "A sample.")
        #expect(r.severity == .warning)
        #expect(r.family == .unboundedMap)
        #expect(r.languages == [.go])
        #expect(r.analysis == "container-growth")
        #expect(r.message == "{name} grows")
        #expect(r.description.hasPrefix("## Why is this a leak?\nIt grows.\n"))
        #expect(r.fix == RuleFix(applicability: .displayOnly, description: "Bound {name}",
                                 template: "lru.New[{key}, {value}](10_000)"))
        #expect(r.checklist == "Is every global map bounded?")
        #expect(r.vocabulary == ["grow-calls": ["index-set", "call:Store"], "shrink-calls": []])
        #expect(r.options == ["role-of-growth": "normal"])
        // A longer path gives the same id.
        #expect(try RuleCatalog.parse(yaml: Self.sample, path: "/x/Rules/go/sample-rule.yaml").id == "go/sample-rule")
    }

    @Test func idMustMatchPath() {
        #expect(error(Self.sample, path: "go/other.yaml")
                == "go/other.yaml:1: id 'go/sample-rule' must equal the file's path without extension: 'go/other'")
    }

    @Test func unknownKeyNamesLineAndAllowed() {
        let yaml = Self.sample.replacingOccurrences(of: "checklist:", with: "checklst:")
        let e = error(yaml)
        #expect(e?.hasPrefix("go/sample-rule.yaml:26: unknown key 'checklst' in a rule file (allowed: id, summary,") == true)
        #expect(error(Self.sample + "\nextra: 1\n")?.contains("unknown key 'extra'") == true)
        let fix = Self.sample.replacingOccurrences(of: "  template:", with: "  templat:")
        #expect(error(fix)?.contains("unknown key 'templat' in fix (allowed: applicability, description, template)") == true)
    }

    @Test func badValuesAreErrors() {
        let sev = Self.sample.replacingOccurrences(of: "severity: warning", with: "severity: high")
        #expect(error(sev) == "go/sample-rule.yaml:3: 'severity' is 'high' (allowed: note, warning, error)")
        let fam = Self.sample.replacingOccurrences(of: "family: unbounded-map", with: "family: leak")
        #expect(error(fam) == "go/sample-rule.yaml:4: 'family' is 'leak' (allowed: unbounded-map, append-only, listener, uncancelled-task)")
        let lang = Self.sample.replacingOccurrences(of: "languages: [go]", with: "languages: [go, rust]")
        #expect(error(lang)?.contains("unknown language 'rust'") == true)
        let wrongDir = Self.sample.replacingOccurrences(of: "languages: [go]", with: "languages: [java]")
        #expect(error(wrongDir)?.contains("a rule under go/ must list 'go' in languages") == true)
        let app = Self.sample.replacingOccurrences(of: "applicability: display-only", with: "applicability: maybe")
        #expect(error(app)?.contains("(allowed: safe, unsafe, display-only)") == true)
        let voc = Self.sample.replacingOccurrences(of: "  shrink-calls: []", with: "  shrink-calls: delete")
        #expect(error(voc)?.contains("'shrink-calls' must be a list") == true)
        let missing = Self.sample.replacingOccurrences(of: "analysis: container-growth\n", with: "")
        #expect(error(missing) == "go/sample-rule.yaml:1: missing required key 'analysis'")
        let empty = Self.sample.replacingOccurrences(of: "summary: A sample.", with: "summary:")
        #expect(error(empty) == "go/sample-rule.yaml:2: 'summary' must not be empty")
        let dup = Self.sample + "\nsummary: again\n"
        #expect(error(dup)?.contains("duplicate key 'summary' in one mapping") == true)
        #expect(error("[a, b]\n")?.contains("a rule file must be a mapping") == true)
        #expect(error("")?.contains("empty rule file") == true)
        #expect(error("id: [\n")?.hasPrefix("go/sample-rule.yaml: invalid YAML:") == true)
    }

    @Test func descriptionSectionsRequired() {
        let yaml = Self.sample.replacingOccurrences(of: "  ## Use instead\n", with: "  ## Instead\n")
        #expect(error(yaml)?.contains("description lacks the section(s) '## Use instead'") == true)
        #expect(RuleCatalog.missingSections(in: "## Why is this a leak?\n## Example\n## Use instead\n## Fix safety") == [])
        #expect(RuleCatalog.missingSections(in: "text ## Example") == RuleCatalog.requiredSections)
    }

    @Test func rulesOutsideALanguageDirectoryAreRejected() {
        let yaml = Self.sample.replacingOccurrences(of: "id: go/sample-rule", with: "id: misc/sample-rule")
        #expect(error(yaml, path: "misc/sample-rule.yaml")?.contains("rule files live in Rules/<language>/") == true)
    }

    @Test func duplicateIDsAcrossFiles() {
        #expect(throws: ScanError.self) {
            try RuleCatalog.parseAll([("go/sample-rule.yaml", Self.sample), ("go/sample-rule.yaml", Self.sample)])
        }
    }

    // MARK: The shipped catalog

    static let rulesDir = TestSupport.repoRoot + "/Rules"

    /// `Rules/**/*.yaml` as (path under Rules/, text), sorted by path.
    static func ruleFilesOnDisk() -> [(path: String, yaml: String)] {
        guard let walker = FileManager.default.enumerator(atPath: rulesDir) else { return [] }
        var out: [(String, String)] = []
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(".yaml") else { continue }
            let data = FileManager.default.contents(atPath: rulesDir + "/" + rel) ?? Data()
            out.append((rel, String(decoding: data, as: UTF8.self)))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    @Test func embeddedRulesAreInSyncWithRulesDirectory() throws {
        let disk = Self.ruleFilesOnDisk()
        #expect(disk.map(\.path) == EmbeddedRules.paths, "run scripts/embed_rules.py")
        // The compiled values are exactly what the engine's strict parser makes of the files
        // (a rule it rejects, or one PyYAML reads differently from Yams, fails here).
        let parsed = try RuleCatalog.parseAll(disk)
        let builtin = try RuleCatalog.builtin()
        #expect(parsed.map(\.id) == builtin.map(\.id))
        for (p, b) in zip(parsed, builtin) where p.id == b.id {
            #expect(p == b, "Rules/\(p.id).yaml and the compiled rule differ: run scripts/embed_rules.py")
        }
    }

    @Test func everyBuiltinRuleParses() throws {
        let rules = try RuleCatalog.builtin()
        #expect(rules.map(\.id) == EmbeddedRules.paths.map { RuleCatalog.id(forPath: $0) }.sorted())
        #expect(Set(rules.map(\.id)).count == rules.count)
        for r in rules {
            #expect(RuleCatalog.missingSections(in: r.description).isEmpty, "\(r.id)")
            let names = LeakLintEngine.Scanner.analysisNames(r)
            #expect(!names.isEmpty, "\(r.id) names no analysis")
            for name in names {
                #expect(Analyses.all[name] != nil, "\(r.id) names the analysis '\(name)', which does not exist")
            }
        }
    }

    @Test func everyBuiltinRuleHasPositiveAndNegativeFixtures() throws {
        let rules = try RuleCatalog.builtin()
        for r in rules {
            var positives = 0, negatives = 0
            for lang in r.languages {
                let dir = TestSupport.repoRoot + "/fixtures/" + lang.rawValue
                for fixture in FixtureChecker.fixtures(under: TestSupport.repoRoot + "/fixtures") where fixture.hasPrefix(dir + "/") {
                    let files = FixtureChecker.isDirectory(fixture)
                        ? FixtureChecker.sourceFiles(in: fixture).map { fixture + "/" + $0 } : [fixture]
                    for f in files {
                        let bytes = (try? Paths.readBytes(f)) ?? []
                        for a in FixtureChecker.annotations(in: bytes) where a.ids.contains(r.id) {
                            if a.kind == .ruleid { positives += 1 }
                            if a.kind == .ok { negatives += 1 }
                        }
                    }
                }
            }
            #expect(positives > 0, "\(r.id) has no `ruleid:` fixture line under fixtures/")
            #expect(negatives > 0, "\(r.id) has no `ok:` fixture line under fixtures/")
        }
    }

    // MARK: The embed script

    /// Runs a copy of scripts/embed_rules.py over `files` (path under Rules/ → text) in a
    /// scratch tree: (exit status, generated Swift).
    static func runEmbedScript(_ files: [String: String]) throws -> (Int32, String) {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/scripts", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestSupport.repoRoot + "/scripts/embed_rules.py",
                                         toPath: dir + "/scripts/embed_rules.py")
        for (path, text) in files { TestSupport.write(dir, "Rules/" + path, text) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", dir + "/scripts/embed_rules.py"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let out = String(decoding: FileManager.default.contents(
            atPath: dir + "/Sources/LeakLintEngine/Generated/EmbeddedRules.swift") ?? Data(), as: UTF8.self)
        return (p.terminationStatus, out)
    }

    static func ruleText(_ id: String, message: String, description: String) -> String {
        "id: \(id)\nsummary: One line\nseverity: warning\nfamily: listener\nlanguages: [go, go]\n"
            + "analysis: paired-calls\nmessage: \(message)\ndescription: |\n"
            + description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
            + "\nchecklist: Is it removed?\nvocabulary:\n  register-calls: [a.B, \"yes\"]\noptions:\n  k: 'no'\n"
    }

    @Test func embedScriptWritesLiteralsThatKeepEveryByte() throws {
        let trickyMessage = "'ends \"\"\"# and has \\#( and \\## too'"
        let trickyDescription = "## Why is this a leak?\nx \"\"\"## y \\#(z)"
        let (status, out) = try Self.runEmbedScript([
            "go/a.yaml": Self.ruleText("go/a", message: trickyMessage, description: trickyDescription),
            "go/b.yaml": Self.ruleText("go/b", message: "plain", description: "## Example"),
        ])
        #expect(status == 0)
        // One-line texts are escaped plain literals; multi-line ones raw literals whose `#`
        // count neither the text's `"""##` nor its `\#(` can match.
        #expect(out.contains(###"message: "ends \"\"\"# and has \\#( and \\## too","###))
        #expect(out.contains("description: ###\"\"\"\n" + trickyDescription + "\n\n\"\"\"###,"))
        #expect(out.contains("description: #\"\"\"\n## Example\n\n\"\"\"#,"))
        // BaseLoader keeps every scalar as text (`yes`, `no`); languages are deduplicated.
        #expect(out.contains(#""register-calls": ["a.B", "yes"],"#))
        #expect(out.contains(#""k": "no","#))
        #expect(out.contains(#"languages: [Language(rawValue: "go")!],"#))
        #expect(out.contains("fix: nil,"))
        #expect(out.range(of: "\"go/a\"")!.lowerBound < out.range(of: "\"go/b\"")!.lowerBound)
        #expect(out.contains("\"go/a.yaml\",\n        \"go/b.yaml\","))
    }

    @Test func embedScriptRejectsWhatItCannotCompile() throws {
        let good = Self.ruleText("go/a", message: "m", description: "## Example")
        // Unknown keys, broken YAML, a wrong shape, and enum values the engine has no case for
        // (they would compile into a `rawValue:` initialiser that traps at start-up).
        let badEnums = [
            good.replacingOccurrences(of: "severity: warning", with: "severity: fatal"),
            good.replacingOccurrences(of: "family: listener", with: "family: leaks"),
            good.replacingOccurrences(of: "languages: [go, go]", with: "languages: [go, rust]"),
            good + "fix:\n  applicability: maybe\n  description: d\n  template: t\n",
        ]
        for bad in [good + "colour: red\n", "id: [go/a\n", "- a list\n", good + "fix: [x]\n"] + badEnums {
            let (status, _) = try Self.runEmbedScript(["go/a.yaml": bad])
            #expect(status != 0, "\(bad)")
        }
    }

    /// Names the rules give only in op lists (`grow-calls`, `shrink-calls`) are op-only; a name
    /// some rule also reads as a call (`removeAll` stops Swift timers) is not.
    /// What a vocabulary word contributes to the calls front ends record.
    @Test func vocabularyWordsNameMethodsOrPrefixes() {
        func m(_ w: String) -> Analyses.CallWord? { Analyses.methodName(Substring(w).utf8) }
        #expect(m("signal.Notify@first-arg") == .name("Notify"))
        #expect(m("call:Store") == .name("Store"))
        #expect(m("*.addObserver(forName:)@argument") == .name("addObserver"))
        #expect(m("*.scheduledTimer(repeats:true)") == .name("scheduledTimer"))
        #expect(m("Executors.new*") == .prefix("new"))
        #expect(m("*.remove*Listener") == nil)
        #expect(m("*") == nil)
        #expect(m("time.Tick") == .name("Tick"))
    }

    @Test func opOnlyCallNamesAreThoseOnlyOpListsMention() throws {
        let swift = Analyses.callInterests(for: try RuleCatalog.builtin())[.swift]!
        #expect(swift.opOnlyMethods.contains("append") && swift.opOnlyMethods.contains("insert"))
        #expect(swift.opOnlyPrefixes.contains("filter"))
        #expect(!swift.opOnlyMethods.contains("removeAll") && swift.methods.contains("removeAll"))
        #expect(!swift.opOnlyMethods.contains("addObserver") && !swift.opOnlyMethods.contains("invalidate"))
        #expect(swift.wantsCall("removeAll") && swift.wantsCall("addObserver") && !swift.wantsCall("append"))
        #expect(swift.opOnlyMethods.isSubset(of: swift.methods))
        // Words read from a call's chain (`subscribe-methods`) are not calls to record: a
        // `*-calls` key there would keep every body that calls `sink` in the parse.
        #expect(!swift.wantsCall("sink") && !swift.wantsCall("assign"))
    }
}
