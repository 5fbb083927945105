import Foundation
import LeakLintCore
@testable import LeakLintEngine
import Testing

@Suite struct ConfigTests {
    let rules = [TestSupport.rule("go/unbounded-global-map"), TestSupport.rule("java/unremoved-listener")]

    func parse(_ yaml: String) throws -> Config {
        try ConfigLoader.parse(yaml: yaml, path: "cfg.yml", rules: rules)
    }

    /// The error message of parsing `yaml`, or nil when it parses.
    func error(_ yaml: String) -> String? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func fullConfig() throws {
        let c = try parse("""
            rules:
              enable: ["go/*", java/unremoved-listener]
              disable: ["*/unremoved-listener"]
            severity:
              go/unbounded-global-map: error
              "java/*": note
            exclude:
              - "**/*.pb.go"
              - third_party/
            include-tests: true
            vocabulary:
              bounded-types: ["mycache.Bounded*"]
              unregister-calls: [Unsubscribe, Off]
            """)
        #expect(c.enable == ["go/*", "java/unremoved-listener"])
        #expect(c.disable == ["*/unremoved-listener"])
        #expect(c.severity == ["go/unbounded-global-map": .error, "java/*": .note])
        #expect(c.exclude == ["**/*.pb.go", "third_party/"])
        #expect(c.includeTests)
        #expect(c.vocabulary == ["bounded-types": ["mycache.Bounded*"], "unregister-calls": ["Unsubscribe", "Off"]])
        #expect(c.sourcePath == "cfg.yml")
        #expect(c.isEnabled("go/unbounded-global-map"))
        #expect(!c.isEnabled("java/unremoved-listener"))
    }

    @Test func emptyFileIsTheDefault() throws {
        #expect(try parse("") == { var c = Config(); c.sourcePath = "cfg.yml"; return c }())
        #expect(try parse("# only a comment\n").enable == ["*"])
    }

    @Test func compileCommandsIsRelativeToTheConfigFile() throws {
        let c = try ConfigLoader.parse(yaml: "compile-commands: build/compile_commands.json\n", path: "/repo/sub/.leaklint.yml", rules: [])
        #expect(c.compileCommands == "/repo/sub/build/compile_commands.json")
        let abs = try ConfigLoader.parse(yaml: "compile-commands: /db\n", path: "/repo/.leaklint.yml", rules: [])
        #expect(abs.compileCommands == "/db")
        #expect(error("compile-commands: [a]\n") != nil)
        #expect(error("compile-commands: \"\"\n")?.contains("'compile-commands' needs a path") == true)
    }

    @Test func unknownKeysNameFileLineAndAllowed() {
        let e = error("include-tests: true\nrulez:\n  enable: []\n")
        #expect(e == "cfg.yml:2: unknown key 'rulez' in the config (allowed: rules, severity, exclude, include-tests, include-generated, vocabulary, compile-commands)")
        #expect(error("rules:\n  enabled: [x]\n")?.hasPrefix("cfg.yml:2: unknown key 'enabled' in 'rules' (allowed: enable, disable)") == true)
        let v = error("vocabulary:\n  boundedtypes: [x]\n")
        #expect(v?.hasPrefix("cfg.yml:2: unknown key 'boundedtypes' in 'vocabulary' (allowed: bounded-key-types, bounded-types,") == true)
    }

    @Test func wrongTypesAreErrors() {
        #expect(error("rules: [go/x]\n") == "cfg.yml:1: 'rules' must be a mapping of key: value, found a list")
        #expect(error("exclude: gen\n") == "cfg.yml:1: 'exclude' must be a list, found 'gen'")
        #expect(error("include-tests: sometimes\n") == "cfg.yml:1: 'include-tests' must be true or false, found 'sometimes'")
        #expect(error("vocabulary:\n  bounded-types: Foo\n") == "cfg.yml:2: 'vocabulary' 'bounded-types' must be a list, found 'Foo'")
        #expect(error("exclude:\n  - [a]\n") == "cfg.yml:2: an entry of 'exclude' must be a single value, found a list")
        #expect(error("- a\n") == "cfg.yml:1: the config must be a mapping of key: value, found a list")
        #expect(error("exclude: [\"!keep\"]\n")?.contains("cannot be negated") == true)
    }

    @Test func badSeverityValue() {
        #expect(error("severity:\n  go/unbounded-global-map: fatal\n")
                == "cfg.yml:2: the severity of 'go/unbounded-global-map' is 'fatal' (allowed: note, warning, error)")
    }

    @Test func unknownRuleIDsAreErrorsButGlobsAreNot() throws {
        #expect(error("severity:\n  go/unbounded-map: error\n")?
            .hasPrefix("cfg.yml:2: severity names unknown rule 'go/unbounded-map'") == true)
        #expect(error("rules:\n  disable: [go/nope]\n")?.contains("unknown rule 'go/nope'") == true)
        #expect(try parse("severity:\n  \"cpp/*\": note\n").severity == ["cpp/*": .note])
        #expect(error("severity:\n  unbounded-global-map: note\n")?.contains("did you mean 'go/unbounded-global-map'") == true)
    }

    @Test func duplicateKeysAndInvalidYAML() {
        #expect(error("exclude: []\nexclude: [a]\n") == "cfg.yml: invalid YAML: line 1: duplicate key 'exclude' in one mapping")
        #expect(error("rules: {enable: [a}\n")?.hasPrefix("cfg.yml: invalid YAML: line 1") == true)
    }

    @Test func applyAddsVocabularyAndSeverity() throws {
        let c = try parse("severity:\n  \"go/*\": error\nvocabulary:\n  bounded-types: [Ring*]\n")
        var r = TestSupport.rule("go/unbounded-global-map")
        r.vocabulary = ["bounded-types": ["lru.*"]]
        let applied = c.apply(to: r)
        #expect(applied.severity == .error)
        #expect(applied.vocabulary["bounded-types"] == ["lru.*", "Ring*"])
    }

    @Test func loadFromDiskAndDiscovery() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "a/b/c/x.go", "")
        #expect(ConfigLoader.discover(from: dir + "/a/b/c") == nil || !ConfigLoader.discover(from: dir + "/a/b/c")!.hasPrefix(dir))
        TestSupport.write(dir, "a/.leaklint.yaml", "include-tests: true\n")
        #expect(ConfigLoader.discover(from: dir + "/a/b/c") == dir + "/a/.leaklint.yaml")
        #expect(ConfigLoader.discover(from: dir + "/a/b/c/x.go") == dir + "/a/.leaklint.yaml")
        TestSupport.write(dir, "a/b/.leaklint.yml", "exclude: [x]\n")
        #expect(ConfigLoader.discover(from: dir + "/a/b/c") == dir + "/a/b/.leaklint.yml")
        // A directory with that name is not a config.
        try FileManager.default.createDirectory(atPath: dir + "/a/b/c/.leaklint.yml", withIntermediateDirectories: true)
        #expect(ConfigLoader.discover(from: dir + "/a/b/c") == dir + "/a/b/.leaklint.yml")

        let c = try ConfigLoader.load(path: dir + "/a/.leaklint.yaml", rules: rules)
        #expect(c.includeTests)
        #expect(c.sourcePath == dir + "/a/.leaklint.yaml")
        #expect(throws: ScanError("config file not found: \(dir)/none.yml")) {
            try ConfigLoader.load(path: dir + "/none.yml", rules: rules)
        }
        TestSupport.write(dir, "bad.yml", bytes: [0x72, 0x3A, 0xFF, 0x0A])
        #expect(throws: ScanError.self) { try ConfigLoader.load(path: dir + "/bad.yml", rules: rules) }
    }

    @Test func severityOverrideExactWinsOverGlob() throws {
        let c = try parse("severity:\n  \"go/*\": note\n  go/unbounded-global-map: error\n")
        #expect(c.severityOverride("go/unbounded-global-map") == .error)
        #expect(c.severityOverride("go/other") == .note)
        #expect(c.severityOverride("java/unremoved-listener") == nil)
    }
}

/// A team's own release utility, taught through the config, releases what it is handed.
@Suite struct ConfigVocabularyScanTests {
    @Test func releaseHelpersFromTheConfigRelease() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "src/Worker.java", """
            package w;
            import java.util.concurrent.*;
            final class Worker {
                private final ExecutorService pool = Executors.newFixedThreadPool(2);
                public void close() { Pools.quietly(pool); }
            }
            final class Pools { static void quietly(ExecutorService p) { p.shutdownNow(); } }
            """)
        let rules = try RuleCatalog.builtin().filter { $0.id == "java/executor-never-shutdown" }
        func findings(config: String?) throws -> Int {
            var cfg: String? = nil
            if let config { TestSupport.write(dir, ".leaklint.yml", config); cfg = dir + "/.leaklint.yml" }
            let s = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir + "/src"], configPath: cfg, jobs: 1), rules: rules)
            return s.run().findings.count
        }
        #expect(try findings(config: nil) == 1)
        #expect(try findings(config: "vocabulary:\n  release-helpers: [quietly]\n") == 0)
    }
}
