import Foundation
import LeakLintCore
import Yams

// MARK: - Config loading

/// Loads `.leaklint.yml`, strictly: an unknown key, a wrong type or a bad value is an error
/// naming the file, the line and what is allowed. Nothing is silently ignored.
///
/// ## The `.leaklint.yml` schema
///
/// ```yaml
/// # Which rules run. Both lists hold rule ids or globs over ids (`*` any run, `?` one char).
/// # Default: every rule enabled. `disable` wins over `enable`.
/// rules:
///   enable: ["go/*", "java/*"]
///   disable: ["*/unremoved-listener", go/ticker-never-stopped]
///
/// # Severity overrides: rule id or glob → error | warning | note. An exact id wins over globs;
/// # among globs the alphabetically first matching one wins.
/// severity:
///   go/unbounded-global-map: error
///   "swift/*": note
///
/// # Paths never scanned, as globs relative to the scan root with .gitignore semantics:
/// # a pattern without "/" matches a file or directory name at any depth (`*.pb.go`, `gen`),
/// # a pattern with "/" is anchored at the scan root (`internal/gen/**`), `**` spans directories,
/// # a trailing "/" matches directories only. Excludes apply even to paths named on the
/// # command line, so a pre-commit hook and CI agree.
/// exclude:
///   - "**/*.pb.go"
///   - third_party/
///
/// # Also scan test code (default false): Go `*_test.go`, Java files under `src/test/`,
/// # Swift files under a `Tests/` directory, C++ `*_test.*`, `*_tests.*` and `*_unittest.*`.
/// # `--include-tests` on the command line wins over this.
/// include-tests: false
///
/// # Report findings in generated files too (default false): files whose header says a tool
/// # wrote them (`// Code generated … DO NOT EDIT.`, protoc's and JavaCC's banners,
/// # `@generated`). They are analysed either way. `--include-generated` wins over this.
/// include-generated: false
///
/// # C++ precise mode: a compile_commands.json (or the folder holding one), relative to this
/// # file. Each translation unit is parsed with its own flags (flags that load code into the
/// # parser are dropped). `--compile-commands` on the command line wins over this.
/// compile-commands: build/compile_commands.json
///
/// # Extra vocabulary, added to every rule that uses the key: teach leaklint your own bounded
/// # cache types, event buses, cancellation signals and shutdown calls. Keys:
/// # bounded-types, grow-calls, shrink-calls, register-calls, unregister-calls,
/// # cancel-signals, stop-calls, run-once-functions, bounded-key-types.
/// vocabulary:
///   bounded-types: ["mycache.Bounded*", "ExpiringMap*"]
///   unregister-calls: [Unsubscribe]
/// ```
///
/// Both `.leaklint.yml` and `.leaklint.yaml` are found; when neither `--config` is given,
/// the nearest one walking up from the first scanned path is used (up to the filesystem root).
public enum ConfigLoader {
    /// The file names `discover(from:)` looks for, in order of preference.
    public static let fileNames = [".leaklint.yml", ".leaklint.yaml"]

    static let topKeys = ["rules", "severity", "exclude", "include-tests", "include-generated", "vocabulary", "compile-commands"]
    static let ruleKeys = ["enable", "disable"]

    /// Loads and validates the config at `path`. Severity keys and exact (glob-free) ids in
    /// `rules.enable` / `rules.disable` must name built-in rules.
    public static func load(path: String) throws -> Config {
        try load(path: path, rules: RuleCatalog.builtin())
    }

    /// Loads and validates the config at `path` against the rule set `rules`.
    public static func load(path: String, rules: [Rule]) throws -> Config {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ScanError("config file not found: \(path)")
        }
        if isDir.boolValue { throw ScanError("config path is a directory, not a file: \(path)") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScanError("cannot read config file: \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScanError("\(path): config file is not valid UTF-8")
        }
        return try parse(yaml: text, path: path, rules: rules)
    }

    /// Parses config text; `path` prefixes error messages and becomes `Config.sourcePath`.
    public static func parse(yaml: String, path: String, rules: [Rule]) throws -> Config {
        let doc = try StrictYAML(yaml: yaml, file: path)
        var config = Config()
        config.sourcePath = path
        guard let root = doc.root else { return config }   // an empty file is the default config
        let ruleIDs = Set(rules.map(\.id))
        let top = try doc.mapping(root, what: "the config", allowed: topKeys)

        func checkKnown(_ pattern: String, _ node: Node, _ what: String) throws {
            if isGlob(pattern) || ruleIDs.contains(pattern) { return }
            throw ScanError("\(doc.at(node)): \(what) names unknown rule '\(pattern)'\(suggestion(pattern, ruleIDs))")
        }

        if let r = top["rules"] {
            let m = try doc.mapping(r.value, what: "'rules'", allowed: ruleKeys)
            if let e = m["enable"] {
                let items = try doc.sequence(e.value, what: "'rules.enable'")
                config.enable = try items.map { n in
                    let s = try doc.scalar(n, what: "an entry of 'rules.enable'")
                    try checkKnown(s, n, "rules.enable")
                    return s
                }
            }
            if let d = m["disable"] {
                let items = try doc.sequence(d.value, what: "'rules.disable'")
                config.disable = try items.map { n in
                    let s = try doc.scalar(n, what: "an entry of 'rules.disable'")
                    try checkKnown(s, n, "rules.disable")
                    return s
                }
            }
        }
        if let s = top["severity"] {
            for (key, e) in try doc.mapping(s.value, what: "'severity'", allowed: nil) {
                try checkKnown(key, e.key, "severity")
                config.severity[key] = try doc.enumValue(e.value, what: "the severity of '\(key)'") as Severity
            }
        }
        if let x = top["exclude"] {
            config.exclude = try doc.words(x.value, what: "'exclude'")
            for (pattern, node) in zip(config.exclude, try doc.sequence(x.value, what: "'exclude'")) {
                if pattern.hasPrefix("!") {
                    throw ScanError("\(doc.at(node)): 'exclude' patterns cannot be negated ('\(pattern)'); list only what to skip")
                }
            }
        }
        if let t = top["include-tests"] {
            config.includeTests = try doc.bool(t.value, what: "'include-tests'")
        }
        if let t = top["include-generated"] {
            config.includeGenerated = try doc.bool(t.value, what: "'include-generated'")
        }
        if let c = top["compile-commands"] {
            let value = try doc.scalar(c.value, what: "'compile-commands'")
            if value.isEmpty { throw ScanError("\(doc.at(c.value)): 'compile-commands' needs a path") }
            // Relative to the config file's folder, like every path a user writes in it.
            config.compileCommands = value.hasPrefix("/") ? value : Paths.join(Paths.parent(Paths.absolute(path, cwd: FileManager.default.currentDirectoryPath)), value)
        }
        if let v = top["vocabulary"] {
            config.vocabulary = try doc.wordLists(v.value, what: "'vocabulary'",
                                                  allowed: Config.vocabularyKeys.sorted())
        }
        return config
    }

    /// The nearest `.leaklint.yml` / `.leaklint.yaml`, looking in `path` (or its directory
    /// when it is a file) and then every parent up to the filesystem root.
    public static func discover(from path: String) -> String? {
        var dir = URL(fileURLWithPath: path).standardizedFileURL.path
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), !isDir.boolValue {
            dir = (dir as NSString).deletingLastPathComponent
        }
        while true {
            for name in fileNames {
                let candidate = dir == "/" ? "/" + name : dir + "/" + name
                var d: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &d), !d.boolValue {
                    return candidate
                }
            }
            if dir == "/" || dir.isEmpty { return nil }
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir { return nil }
            dir = parent
        }
    }

    static func isGlob(_ s: String) -> Bool { s.contains("*") || s.contains("?") }

    static func suggestion(_ id: String, _ known: Set<String>) -> String {
        let short = id.split(separator: "/").last.map(String.init) ?? id
        let close = known.filter { $0.hasSuffix("/" + short) || $0.contains(short) }.sorted()
        if let c = close.first { return " (did you mean '\(c)'?)" }
        return known.isEmpty ? " (no rules are loaded)" : " (see `leaklint rules list`)"
    }
}
