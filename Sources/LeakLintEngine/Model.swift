import LeakLintCore

// MARK: - Rules are data

/// A rule as loaded from `Rules/<lang>/<name>.yaml`. The same value feeds the analyses
/// (through `analysis` and `vocabulary`), SARIF rule descriptors, `rules explain` and the checklist.
public struct Rule: Sendable, Codable, Hashable {
    /// `go/unbounded-global-map`: the rule file's path without its extension.
    public var id: String
    public var summary: String
    public var severity: Severity
    public var family: Family
    public var languages: [Language]
    /// Which analysis of the engine runs this rule (`container-growth`, `spawn-loop`, …).
    public var analysis: String
    /// Message template over the finding's captures: `{name}`, `{type}`, `{sites}` …
    public var message: String
    /// Markdown with the fixed sections *Why is this a leak?*, *Example*, *Use instead*, *Fix safety*.
    public var description: String
    public var fix: RuleFix?
    /// The code-review checklist item this rule answers.
    public var checklist: String
    /// Named word lists the analysis uses (which calls insert, which remove, bounded types …).
    public var vocabulary: [String: [String]]
    /// Named single values the analysis uses (`role-of-growth: normal`, …).
    public var options: [String: String]

    public init(id: String, summary: String, severity: Severity, family: Family, languages: [Language],
                analysis: String, message: String, description: String, fix: RuleFix?, checklist: String,
                vocabulary: [String: [String]], options: [String: String] = [:]) {
        self.id = id; self.summary = summary; self.severity = severity; self.family = family
        self.languages = languages; self.analysis = analysis; self.message = message
        self.description = description; self.fix = fix; self.checklist = checklist
        self.vocabulary = vocabulary; self.options = options
    }

    /// The word list `key`, empty when the rule has none.
    public func words(_ key: String) -> [String] { vocabulary[key] ?? [] }
    public func wordSet(_ key: String) -> Set<String> { Set(vocabulary[key] ?? []) }

    /// `unbounded-global-map` for `go/unbounded-global-map`.
    public var shortName: String {
        guard let slash = id.firstIndex(of: "/") else { return id }
        return String(id[id.index(after: slash)...])
    }

    /// Where the rule's documentation lives in this repository.
    public var helpURI: String { "https://github.com/leaklint/leaklint/blob/main/Rules/\(id).yaml" }
}

/// A rule's fix template.
public struct RuleFix: Sendable, Codable, Hashable {
    public var applicability: FixApplicability
    /// One-line description template: `Replace {name} with a size-capped LRU with a TTL`.
    public var description: String
    /// Code template over the captures.
    public var template: String

    public init(applicability: FixApplicability, description: String, template: String) {
        self.applicability = applicability; self.description = description; self.template = template
    }
}

// MARK: - Config

/// `.leaklint.yml`, validated. Unknown keys and bad values are errors, never ignored.
public struct Config: Sendable, Equatable {
    /// Rule id globs to enable (default: every rule).
    public var enable: [String] = ["*"]
    /// Rule id globs to disable; wins over `enable`.
    public var disable: [String] = []
    /// Rule id (or glob) → severity.
    public var severity: [String: Severity] = [:]
    /// Path globs (relative to the scan root) never scanned.
    public var exclude: [String] = []
    /// Scan `_test.go` / test files too.
    public var includeTests: Bool = false
    /// Report findings located in generated files too (see `ByteSniff.looksGenerated`).
    public var includeGenerated: Bool = false
    /// Extra vocabulary: key (e.g. `bounded-types`) → words, added to every rule that uses that key.
    public var vocabulary: [String: [String]] = [:]
    /// `compile-commands`: absolute path of a compile_commands.json (or its folder) for C++
    /// precise mode; nil = fast mode.
    public var compileCommands: String? = nil
    /// Where the config came from (for messages); nil for defaults.
    public var sourcePath: String? = nil

    public init() {}

    /// The vocabulary keys a config may extend (documented in the README).
    public static let vocabularyKeys: Set<String> = [
        "bounded-types", "grow-calls", "shrink-calls", "register-calls", "unregister-calls",
        "cancel-signals", "stop-calls", "run-once-functions", "bounded-key-types",
        "create-calls", "unstoppable-calls", "callback-types", "not-callback-types", "long-lived-type-names",
        "long-lived-traits", "endless-ranges", "request-key-hints", "pairs", "short-lived-receivers",
        "future-listeners", "release-helpers", "forwarded-task-calls",
    ]

    /// Whether `ruleID` runs under this config.
    public func isEnabled(_ ruleID: String) -> Bool {
        enable.contains { ByteText.glob($0, ruleID) } && !disable.contains { ByteText.glob($0, ruleID) }
    }

    /// The configured severity of `ruleID`, exact ids winning over globs.
    public func severityOverride(_ ruleID: String) -> Severity? {
        if let s = severity[ruleID] { return s }
        for key in severity.keys.sorted() where ByteText.glob(key, ruleID) { return severity[key] }
        return nil
    }

    /// A rule with this config's vocabulary and severity folded in.
    public func apply(to rule: Rule) -> Rule {
        var r = rule
        for (key, words) in vocabulary {
            r.vocabulary[key, default: []].append(contentsOf: words)
        }
        if let s = severityOverride(rule.id) {
            r.severity = s
            // Analyses raise or lower a default severity; a configured one is final.
            r.options["severity-overridden"] = "true"
        }
        return r
    }
}

// MARK: - Scopes and results

/// Files analysed together (a Go package directory), with their facts and bytes.
public struct Scope: Sendable {
    public var key: String
    public var language: Language
    public var files: [FileFacts]
    public var sources: [String: SourceFile]
    /// Facts about the scope's surroundings: `go.version` (from go.mod), `module.root`, …
    public var properties: [String: String]
    /// What the analyses derive from the facts (the `ScopeIndex`, run-once sets), built once per
    /// scope and shared by every rule run over it. Facts of a scope are not changed after it is built.
    let memo = ScopeMemo()
    /// The only files whose findings are wanted (pre-commit / staged runs: the given files);
    /// nil = all. Analyses skip candidates located elsewhere before doing any work for them, so
    /// a 5-file run in a 400-file package does not analyse the other 395 files' containers
    /// (their facts still count as evidence).
    public var reportPaths: Set<String>? = nil

    /// Whether findings located in `path` are wanted (see `reportPaths`).
    @inline(__always) func reports(_ path: String) -> Bool { reportPaths?.contains(path) ?? true }

    public init(key: String, language: Language, files: [FileFacts], sources: [String: SourceFile],
                properties: [String: String] = [:]) {
        self.key = key; self.language = language; self.files = files
        self.sources = sources; self.properties = properties
    }

    /// A finding location for a byte range of one of the scope's files.
    public func location(_ ref: SourceRef) -> Location {
        if let f = sources[ref.path] { return Location(ref, in: f) }
        return Location(path: ref.path, region: Region(startLine: 1, startColumn: 1, endLine: 1, endColumn: 1,
                                                       byteOffset: 0, byteLength: 0), snippet: "")
    }
}

/// An analysis: facts of one scope + one rule → findings. Analyses know leaks, not syntax.
public protocol Analysis: Sendable {
    /// The `analysis:` name rule files use.
    var name: String { get }
    func run(scope: Scope, rule: Rule) -> [Finding]
}

/// Everything a scan produced, sorted, ready for any reporter.
public struct ScanResult: Sendable {
    /// The scan root every path is relative to.
    public var root: String
    public var findings: [Finding]
    public var notifications: [ToolNotification]
    /// The rules that ran (config applied), sorted by id.
    public var rules: [Rule]
    public var filesScanned: Int
    public var linesScanned: Int

    public init(root: String, findings: [Finding], notifications: [ToolNotification], rules: [Rule],
                filesScanned: Int, linesScanned: Int) {
        self.root = root; self.findings = findings; self.notifications = notifications
        self.rules = rules; self.filesScanned = filesScanned; self.linesScanned = linesScanned
    }

    /// Findings that are reported (not suppressed).
    public var reported: [Finding] { findings.filter { $0.suppression == nil } }

    /// True when a file could not be analysed (the exit code says so).
    public var hadFileErrors: Bool { notifications.contains { $0.level == .error } }
}
