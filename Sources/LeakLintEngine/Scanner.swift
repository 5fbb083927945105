#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import LeakLintCore

// MARK: - Options

/// What to scan and how; filled from the command line.
public struct ScanOptions: Sendable {
    /// Paths as given on the command line (files or directories); default `["."]`.
    public var paths: [String]
    /// `--config FILE`; nil = the nearest `.leaklint.yml` walking up from the first path.
    public var configPath: String?
    /// `--include-tests`; nil = the config decides (default false).
    public var includeTests: Bool?
    /// `--include-generated`; nil = the config decides (default false): findings located in a
    /// generated file (`ByteSniff.looksGenerated`) are reported. Generated files are analysed
    /// either way: their declarations and calls are part of their package.
    public var includeGenerated: Bool? = nil
    /// Worker count; 0 or less = the active processor count.
    public var jobs: Int
    /// Report findings only in these root-relative paths (pre-commit / staged mode). Whole
    /// scopes are still read, so an insert in a staged file still pairs with the delete in an
    /// unstaged file of the same package. Notifications about other files are dropped too.
    public var onlyFiles: Set<String>?
    /// `--compile-commands PATH`: a compile_commands.json (or its folder) for C++ precise mode;
    /// nil = the config's `compile-commands`, else fast mode. A database that cannot be loaded
    /// makes `Scanner.init` throw.
    public var compileCommands: String? = nil
    /// Absolute paths of directories among `paths` whose subdirectories are not walked
    /// (`ScopeExpansion.plan`: a Go or Java file's package is its directory alone).
    public var shallowDirectories: Set<String> = []
    /// `paths` are files (a hook's or a CI job's list): read each one's whole scope too — its
    /// directory, or its SwiftPM target folder (`ScopeExpansion.directories`) — working that out
    /// during discovery, while the files themselves are already being read. Pair with
    /// `onlyFiles` to report on the listed files alone.
    public var expandFilesToScopes = false
    /// Front ends used instead of the defaults for their extensions (tests, embedders).
    public var frontEnds: [any FrontEnd] = []
    /// Compute `Finding.lineHash` (GitHub's `primaryLocationLineHash`): only SARIF reports it,
    /// and it reads every file with a finding up to that finding's line.
    public var lineHashes = true
    /// Leave the scan's facts, sources and scope indexes for the process exit to reclaim
    /// instead of freeing them object by object when `run` returns (the command-line tool, which
    /// exits after reporting, sets it: on the Go standard library that freeing was ~50 ms of one
    /// core). Embedders that scan many times leave it off.
    public var keepScanDataUntilExit = false
    /// The caller has checked that every path exists (the CLI stats each one once): `init`
    /// does not stat them again. A path that vanished since is reported by discovery.
    public var pathsChecked = false
    /// The caller's `stat` of each path, in `paths`' order (the CLI stats every path of a file
    /// list once already): discovery takes them instead of asking again. A file that vanished
    /// since is reported when it is read (an unreadable-file notification, exit 2).
    public var pathStats: [stat]? = nil

    public init(paths: [String] = ["."], configPath: String? = nil, includeTests: Bool? = nil, jobs: Int = 0,
                onlyFiles: Set<String>? = nil) {
        self.paths = paths; self.configPath = configPath; self.includeTests = includeTests
        self.jobs = jobs; self.onlyFiles = onlyFiles
    }
}

// MARK: - Scanner

/// The spine between the CLI and the analyses: discovery → read → front ends (parallel) →
/// scopes → analyses (parallel) → suppressions → one sorted, deduplicated result.
///
/// ```swift
/// let scanner = try Scanner(options: ScanOptions(paths: ["."]))
/// let result = scanner.run()
/// ```
public struct Scanner {
    public let options: ScanOptions
    /// The scan root: the git work tree holding the first path; else the current directory
    /// when the first path is inside it; else the first path (its directory for a file).
    /// Every path in the results is relative to it, with `/` separators.
    public let root: String
    /// The config in force (defaults when no file was found).
    public let config: Config
    /// The rules that run: enabled by config, config vocabulary and severity applied, sorted by id.
    public let rules: [Rule]
    /// Every rule known before config (to tell a disabled rule from a typo in suppressions).
    let knownRules: [Rule]
    let includeTests: Bool
    let includeGenerated: Bool
    let jobs: Int
    /// The front end per file extension for this scan (the defaults, or precise C++).
    let frontEndTable: FrontEnds.Table
    /// Test hook: analyses used for rules whose `analysis` is not in `Analyses.all`.
    var extraAnalyses: [String: any Analysis] = [:]

    /// Loads rules (nil = built-in), finds and loads the config, and checks that every path
    /// exists. Throws `ScanError` when the scan cannot run.
    public init(options: ScanOptions, rules: [Rule]? = nil) throws {
        var options = options
        if options.paths.isEmpty { options.paths = ["."] }
        self.options = options
        let cwd = FileManager.default.currentDirectoryPath
        for p in options.paths where !options.pathsChecked {
            var st = stat()
            if stat(Paths.absolute(p, cwd: cwd), &st) != 0 {
                throw ScanError("no such file or directory: \(p)")
            }
        }
        self.root = Discovery.scanRoot(for: options.paths)
        let all = try rules ?? RuleCatalog.builtin()
        var seen: Set<String> = []
        for r in all where !seen.insert(r.id).inserted {
            throw ScanError("two rules share the id '\(r.id)'")
        }
        self.knownRules = all.sorted { $0.id < $1.id }
        let configPath = options.configPath ?? ConfigLoader.discover(from: Paths.absolute(options.paths[0], cwd: cwd))
        let config = try configPath.map { try ConfigLoader.load(path: $0, rules: all) } ?? Config()
        self.config = config
        self.includeTests = options.includeTests ?? config.includeTests
        self.includeGenerated = options.includeGenerated ?? config.includeGenerated
        self.rules = all.sorted { $0.id < $1.id }.filter { config.isEnabled($0.id) }.map { config.apply(to: $0) }
        self.jobs = options.jobs > 0 ? options.jobs : ProcessInfo.processInfo.activeProcessorCount
        var overrides = options.frontEnds
        if let db = options.compileCommands ?? config.compileCommands {
            overrides.append(try FrontEnds.preciseCpp(compileCommands: Paths.absolute(db, cwd: cwd), root: root))
        }
        self.frontEndTable = FrontEnds.Table(overrides: overrides)
    }

    /// Runs the scan. Never throws: files that cannot be read or parsed become notifications.
    public func run() -> ScanResult {
        var clock = PhaseClock()
        clock.startUp()
        var notes: [ToolNotification] = []
        for r in rules {
            for name in Scanner.analysisNames(r) where Analyses.all[name] == nil && extraAnalyses[name] == nil {
                notes.append(ToolNotification(
                    level: .warning, id: "unknown-analysis",
                    message: "rule \(r.id) names the analysis '\(name)', which this leaklint does not have; that part of the rule did not run"))
            }
        }

        // Discovery, and reading + front ends in parallel. With more than one worker the walk
        // runs on a thread of its own and the workers start on each file as it is listed (the
        // walk is serial work: ~5 % of a scan's wall time when it came first); files still
        // waiting when the walk ends are taken biggest first, so the last file a worker takes
        // is a small one.
        let discovery = Discovery(root: root, includeTests: includeTests, exclude: config.exclude,
                                  shallow: options.shallowDirectories)
        let interests = Analyses.callInterests(for: rules)
        let table = frontEndTable
        let load: @Sendable (Discovery.File) -> FileLoader.Outcome = { f in
            FileLoader.load(absolute: f.absolute, relative: f.relative, interests: interests, frontEnds: table)
        }
        let paths = options.paths
        let pathStats = options.pathStats
        let scopesOfFiles: (@Sendable () -> (directories: [String], shallow: Set<String>))?
        if options.expandFilesToScopes {
            let root = self.root
            scopesOfFiles = {
                let cwd = FileManager.default.currentDirectoryPath
                return ScopeExpansion.directories(forFiles: paths.map { ScopeExpansion.rootRelative($0, root: root, cwd: cwd) }, root: root)
            }
        } else {
            scopesOfFiles = nil
        }
        let listed: Result<(files: [(index: Int, file: Discovery.File)], notifications: [ToolNotification]), Error>
        var outcomes: [FileLoader.Outcome]
        if jobs > 1 {
            let feed = FileFeed()
            let walk = Thread {
                let r = Result { try discovery.discover(paths: paths, stats: pathStats, onFile: { feed.push($0, $1) }, thenDirectories: scopesOfFiles) }
                feed.finish(r)
            }
            walk.start()
            let byIndex = feed.drain(workers: jobs, load)
            listed = feed.result!
            outcomes = ((try? listed.get())?.files ?? []).map { byIndex[$0.index]! }
        } else {
            listed = Result { try discovery.discover(paths: paths, stats: pathStats, onFile: nil, thenDirectories: scopesOfFiles) }
            outcomes = ((try? listed.get())?.files ?? []).map { load($0.file) }
        }
        switch listed {
        case .success(let d): notes += d.notifications
        case .failure(let error): notes.append(ToolNotification(level: .error, id: "discovery-failed", message: "\(error)"))
        }
        FileLoader.rereadSkippedAssignments(&outcomes, interests: interests, jobs: jobs,
                                            frontEnd: { table.forPath($0) }, scope: { "\($0.language.rawValue)/\($0.scopeKey)" })
        clock.lap("discovery + read + front ends (\(outcomes.count) files)")

        var facts: [FileFacts] = []
        var sources: [String: SourceFile] = [:]
        var lines = 0
        var generated: Set<String> = []
        for o in outcomes {
            notes += o.notifications
            guard let f = o.facts, let s = o.source else { continue }
            if o.generated { generated.insert(s.path) }
            facts.append(f)
            sources[s.path] = s
            lines += o.lines
        }

        // Scopes + analyses, in parallel: one work item per (scope, rule), so a scan dominated
        // by one big package (a pre-commit run) still uses every core. The scope's memo
        // (index, call graph, run-once sets) is shared by its rules and built once.
        // Root-relative as documented; `./a.go` and absolute paths are accepted too.
        let only = options.onlyFiles.map { given in Set(given.map { Paths.relative(Paths.absolute($0, cwd: root), to: root) }) }
        let scopes = ScopeBuilder.scopes(facts: facts, sources: sources, root: root, jobs: jobs).map { scope in
            var s = scope
            s.reportPaths = only
            return s
        }
        clock.lap("collect + scopes (\(scopes.count))")
        let rules = self.rules
        let extra = extraAnalyses
        let units: [(scope: Int, rule: Int)] = scopes.indices.flatMap { s in
            rules.indices.filter { rules[$0].languages.contains(scopes[s].language) }.map { (s, $0) }
        }
        // Units of the biggest scopes first, for the same reason — but every scope's first unit
        // before any scope's second: the first unit builds the scope's shared index and call
        // graph under the memo's lock, and a second worker that took another unit of the same
        // scope would only wait for it.
        let weight = scopes.map { $0.files.reduce(0) { $0 + $1.ops.count + $1.calls.count + $1.functions.count + $1.containers.count } }
        let order = Parallel.heaviestFirst(units.indices.map { u in
            let leads = u == 0 || units[u - 1].scope != units[u].scope
            return (leads ? 1 << 40 : 0) + weight[units[u].scope]
        })
        let timed = PhaseClock.enabled
        let perUnit = Parallel.map(units.count, workers: jobs, order: order) { i in
            let t0 = timed ? DispatchTime.now().uptimeNanoseconds : 0
            let found = ScopeBuilder.analyse(scopes[units[i].scope], rules: [rules[units[i].rule]], extra: extra)
            return (found, timed ? DispatchTime.now().uptimeNanoseconds - t0 : 0)
        }
        if timed {
            clock.unitTimes(perUnit.indices.map { (scopes[units[$0].scope].key, rules[units[$0].rule].id, perUnit[$0].1) })
        }
        var findings = perUnit.flatMap { $0.0 }
        clock.lap("analyses (\(units.count) units)")

        // Suppressions over the whole scan, then config severity, sort and dedupe.
        let inputs = facts.map { Suppressions.Input(path: $0.path, language: $0.language, suppressions: $0.suppressions) }
        let applied = Suppressions.apply(findings: findings, files: inputs, sources: sources,
                                         knownRules: knownRules, enabled: Set(rules.map(\.id)))
        findings = applied.findings
        notes += applied.notifications
        for i in findings.indices {
            if let s = config.severityOverride(findings[i].ruleID) { findings[i].severity = s }
        }
        findings = Scanner.sortAndDedupe(findings)

        if let only {
            findings = findings.filter { only.contains($0.location.path) }
            notes = notes.filter { n in n.path.map { only.contains($0) } ?? true }
        }
        // After the report-only filter: the note counts only what this report would have shown.
        if !includeGenerated && !generated.isEmpty {
            let dropped = findings.filter { generated.contains($0.location.path) }
            if !dropped.isEmpty {
                findings.removeAll { generated.contains($0.location.path) }
                let files = Set(dropped.map(\.location.path)).count
                notes.append(ToolNotification(
                    level: .note, id: "generated-code",
                    message: "\(dropped.count) finding\(dropped.count == 1 ? "" : "s") in \(files) generated file\(files == 1 ? "" : "s") (a `Code generated … DO NOT EDIT` header or the like) not reported; --include-generated reports them"))
            }
        }
        if options.lineHashes { Scanner.addLineHashes(&findings, sources: sources, jobs: jobs) }
        let sortedNotes = Array(Set(notes)).sorted { a, b in
            a < b || (!(b < a) && a.level.rawValue < b.level.rawValue)
        }
        clock.lap("suppressions, sort, line hashes")
        if options.keepScanDataUntilExit { ExitArena.keep((outcomes, facts, sources, scopes)) }
        return ScanResult(root: root, findings: findings, notifications: sortedNotes,
                          rules: rules, filesScanned: facts.count, linesScanned: lines)
    }

    /// GitHub's line hash of every finding's first line, one pass per file that has findings
    /// (files in parallel).
    static func addLineHashes(_ findings: inout [Finding], sources: [String: SourceFile], jobs: Int = 1) {
        var linesByPath: [String: Set<Int>] = [:]
        for f in findings { linesByPath[f.location.path, default: []].insert(f.location.region.startLine) }
        let work = linesByPath.sorted { $0.key < $1.key }
        let perFile = Parallel.map(work.count, workers: jobs) { k in
            sources[work[k].key].map { LineHash.hashes($0.bytes, lines: work[k].value) }
        }
        var hashes: [String: [Int: String]] = [:]
        for (k, h) in perFile.enumerated() { if let h { hashes[work[k].key] = h } }
        for i in findings.indices {
            findings[i].lineHash = hashes[findings[i].location.path]?[findings[i].location.region.startLine]
        }
    }

    /// The analyses a rule names: `analysis:` may list several, comma-separated.
    static func analysisNames(_ rule: Rule) -> [String] {
        rule.analysis.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Findings sorted by path, line, column, rule id and message; identical ones once.
    static func sortAndDedupe(_ findings: [Finding]) -> [Finding] {
        let sorted = findings.sorted { a, b in
            let la = a.location, lb = b.location
            if la.path != lb.path { return la.path < lb.path }
            if la.region.startLine != lb.region.startLine { return la.region.startLine < lb.region.startLine }
            if la.region.startColumn != lb.region.startColumn { return la.region.startColumn < lb.region.startColumn }
            if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
            if a.message != b.message { return a.message < b.message }
            if la.region != lb.region { return la.region < lb.region }
            return a.symbol < b.symbol
        }
        var seen: Set<Finding> = []
        return sorted.filter { seen.insert($0).inserted }
    }
}

// MARK: - Reading one file

/// Reads one file and runs its front end.
enum FileLoader {
    struct Outcome: Sendable {
        var facts: FileFacts?
        var source: SourceFile?
        var notifications: [ToolNotification] = []
        /// Lines of the source (counted here, on the worker thread).
        var lines = 0
        /// The file says it is generated (`ByteSniff.looksGenerated`).
        var generated = false
    }

    static func load(absolute: String, relative: String, interest: CallInterest) -> Outcome {
        load(absolute: absolute, relative: relative, interest: interest, frontEnds: FrontEnds.Table(overrides: []))
    }

    static func load(absolute: String, relative: String, interest: CallInterest, frontEnds: FrontEnds.Table) -> Outcome {
        load(absolute: absolute, relative: relative, interests: Dictionary(uniqueKeysWithValues: Language.allCases.map { ($0, interest) }),
             frontEnds: frontEnds)
    }

    /// The largest file a front end is given. The tokenizers reserve buffers in proportion to a
    /// file's size (the Go tokenizer ~20 bytes per byte, as address space), and no hand-written
    /// source file comes near this: the biggest generated tables and amalgamations are ~10 MB.
    static let maximumFileBytes = 128 << 20

    /// Reads one file and runs its front end with the calls its language's rules want.
    static func load(absolute: String, relative: String, interests: [Language: CallInterest], frontEnds: FrontEnds.Table) -> Outcome {
        guard let fe = frontEnds.forPath(relative) else { return Outcome() }
        let interest = interests[fe.language] ?? CallInterest(methods: [])
        let bytes: [UInt8]
        do {
            bytes = try Paths.readBytes(absolute, limit: maximumFileBytes)
        } catch let e as Paths.ReadError where e.code == EFBIG {
            return Outcome(notifications: [ToolNotification(
                level: .error, id: "file-too-large",
                message: "\(relative) is larger than \(maximumFileBytes >> 20) MB, the most leaklint analyses in one file (generated data rather than code?); skipped",
                path: relative)])
        } catch let e as Paths.ReadError {
            return Outcome(notifications: [ToolNotification(
                level: .error, id: "unreadable-file",
                message: "cannot read \(relative): \(String(cString: strerror(e.code)))", path: relative)])
        } catch {
            return Outcome(notifications: [ToolNotification(
                level: .error, id: "unreadable-file", message: "cannot read \(relative): \(error)", path: relative)])
        }
        var out = analyse(bytes: bytes, relative: relative, frontEnd: fe, interest: interest)
        // The bytes are not kept: a finding's file is read again when its text is needed.
        if out.source != nil {
            out.source = SourceFile(path: relative, count: bytes.count) { try? Paths.readBytes(absolute, limit: maximumFileBytes) }
        }
        return out
    }

    /// Reads again, in parallel, the files whose `FileFacts.skippedAssignments` name a container
    /// declared in their scope (`scope` maps a file's facts to its scope's key), asking the front
    /// end to read those assignments: they are container ops like any other.
    static func rereadSkippedAssignments(_ outcomes: inout [Outcome], interests: [Language: CallInterest], jobs: Int,
                                         frontEnd: (String) -> (any FrontEnd)?, scope: (FileFacts) -> String) {
        guard outcomes.contains(where: { !($0.facts?.skippedAssignments.isEmpty ?? true) }) else { return }
        var declared: [String: Set<String>] = [:]
        for o in outcomes {
            guard let f = o.facts, !f.containers.isEmpty else { continue }
            declared[scope(f), default: []].formUnion(f.containers.map(\.symbol.name))
        }
        var redo: [(index: Int, source: SourceFile, frontEnd: any FrontEnd, names: Set<String>)] = []
        for (i, o) in outcomes.enumerated() {
            guard let f = o.facts, !f.skippedAssignments.isEmpty, let names = declared[scope(f)],
                  let s = o.source, let fe = frontEnd(s.path) else { continue }
            let hit = Set(f.skippedAssignments.filter { names.contains($0) })
            if !hit.isEmpty { redo.append((i, s, fe, hit)) }
        }
        let work = redo
        let again = Parallel.map(work.count, workers: jobs) { k in
            analyse(bytes: work[k].source.bytes, relative: work[k].source.path, frontEnd: work[k].frontEnd,
                    interest: interests[work[k].frontEnd.language] ?? CallInterest(methods: []), reading: work[k].names)
        }
        for (k, r) in redo.enumerated() {
            outcomes[r.index] = again[k]
            // The same file: keep the source that reads its bytes on demand.
            if outcomes[r.index].source != nil { outcomes[r.index].source = r.source }
        }
    }

    /// Sniffs the bytes and runs the front end: binary → skipped with an error notification;
    /// invalid UTF-8 → a warning and analysed anyway (front ends read bytes). `reading`: see
    /// `FrontEnd.facts(for:interest:reading:)`.
    static func analyse(bytes: [UInt8], relative: String, frontEnd fe: any FrontEnd, interest: CallInterest,
                        reading names: Set<String> = []) -> Outcome {
        var out = Outcome()
        if ByteSniff.looksBinary(bytes) {
            out.notifications.append(ToolNotification(
                level: .error, id: "binary-file",
                message: "\(relative) looks like a binary file (a NUL byte in its first 8 KiB); skipped", path: relative))
            return out
        }
        let source = SourceFile(path: relative, bytes: bytes)
        if let bad = ByteSniff.firstInvalidUTF8(bytes) {
            let line = source.lineIndex(of: bad) + 1
            out.notifications.append(ToolNotification(
                level: .warning, id: "invalid-utf8",
                message: "\(relative) is not valid UTF-8 (first bad byte on line \(line)); analysed as bytes",
                path: relative, line: line))
        }
        let facts = names.isEmpty ? fe.facts(for: source, interest: interest)
                                  : fe.facts(for: source, interest: interest, reading: names)
        for p in facts.problems {
            out.notifications.append(ToolNotification(level: .warning, id: "parse-problem",
                                                      message: "\(relative): \(p)", path: relative))
        }
        if let why = facts.notAnalysed {
            out.notifications.append(ToolNotification(level: .error, id: "not-analysed",
                                                      message: "\(relative) was not analysed: \(why)", path: relative))
        }
        out.facts = facts
        out.source = source
        out.lines = countLines(source)
        out.generated = ByteSniff.looksGenerated(bytes)
        return out
    }

    /// Lines of text (a final line terminator does not start another line).
    static func countLines(_ s: SourceFile) -> Int {
        guard let last = s.bytes.last else { return 0 }
        return s.lineCount - ((last == 0x0A || last == 0x0D) ? 1 : 0)
    }
}

// MARK: - Scopes

/// Groups facts into scopes and runs the analyses over one scope.
enum ScopeBuilder {
    /// One scope per `(language, scopeKey)`, sorted; files sorted by path.
    static func scopes(facts: [FileFacts], sources: [String: SourceFile], root: String, jobs: Int = 1) -> [Scope] {
        struct Key: Hashable, Comparable, Sendable {
            var language: Language
            var key: String
            static func < (a: Key, b: Key) -> Bool {
                a.language.rawValue != b.language.rawValue ? a.language.rawValue < b.language.rawValue : a.key < b.key
            }
        }
        var groups: [Key: [FileFacts]] = [:]
        for f in facts { groups[Key(language: f.language, key: f.scopeKey), default: []].append(f) }
        var goModules = GoModule.Lookup(root: root)
        let keys = groups.keys.sorted()
        // go.mod properties first, in order (the lookup remembers the directories it passed).
        let props: [[String: String]] = keys.map { k in
            guard k.language == .go, let first = groups[k]!.min(by: { $0.path < $1.path }) else { return [:] }
            return goModules.properties(from: Paths.absolute(PathText.directory(of: first.path), cwd: root))
        }
        // Then each scope's sorted files and sources, scopes in parallel (serial work between
        // the front ends and the analyses holds up every core).
        let byKey = groups
        return Parallel.map(keys.count, workers: jobs) { i in
            let k = keys[i]
            let files = byKey[k]!.sorted { $0.path < $1.path }
            var src: [String: SourceFile] = [:]
            src.reserveCapacity(files.count)
            for f in files { src[f.path] = sources[f.path] }
            return Scope(key: k.key, language: k.language, files: files, sources: src, properties: props[i])
        }
    }

    /// Runs the rules over one scope: `Analyses.run` for registered analyses, the test hook's
    /// `extra` analyses for the rest. Fix edits get their resolved regions.
    static func analyse(_ scope: Scope, rules: [Rule], extra: [String: any Analysis]) -> [Finding] {
        var out = Analyses.run(scope: scope, rules: rules)
        if !extra.isEmpty {
            for rule in rules where rule.languages.contains(scope.language) {
                for name in Scanner.analysisNames(rule) where Analyses.all[name] == nil {
                    if let a = extra[name] { out += a.run(scope: scope, rule: rule) }
                }
            }
        }
        for i in out.indices {
            guard var fix = out[i].fix, !fix.edits.isEmpty else { continue }
            for e in fix.edits.indices where fix.edits[e].region == nil {
                if let f = scope.sources[fix.edits[e].path] {
                    let edit = fix.edits[e]
                    fix.edits[e].region = Location(SourceRef(path: edit.path, start: edit.start, end: edit.end), in: f).region
                }
            }
            out[i].fix = fix
        }
        return out
    }
}

/// Facts from the `go.mod` that governs a package directory.
enum GoModule {
    /// `go.version` ("1.22", major.minor of the `go` line), `go.version.full` (as written),
    /// `go.module` (module path) and `module.root` (the go.mod's directory relative to `root`),
    /// from the nearest `go.mod` walking up from `dir` to the filesystem root.
    static func properties(from dir: String, root: String) -> [String: String] {
        var lookup = Lookup(root: root)
        return lookup.properties(from: dir)
    }

    /// The walk up, remembered for a whole scan: every directory it passes maps to its nearest
    /// readable go.mod's properties, so sibling packages do not probe the same parents again
    /// (the Go standard library's 400 packages probed 3,850 absent go.mod files without it).
    struct Lookup {
        let root: String
        /// Directory → properties of the go.mod that governs it (empty: none up to `/`).
        private var known: [String: [String: String]] = [:]

        init(root: String) { self.root = root }

        mutating func properties(from dir: String) -> [String: String] {
            var passed: [String] = []
            var d = dir
            var found: [String: String] = [:]
            while true {
                if let k = known[d] { found = k; break }
                passed.append(d)
                if let text = Paths.readText(Paths.join(d, "go.mod")) {
                    found = GoModule.parse(text)
                    found["module.root"] = Paths.relative(d, to: root)
                    break
                }
                if d == "/" { break }
                d = Paths.parent(d)
            }
            for p in passed { known[p] = found }
            return found
        }
    }

    static func parse(_ text: String) -> [String: String] {
        var props: [String: String] = [:]
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var line = Substring(raw)
            if let c = line.range(of: "//") { line = line[..<c.lowerBound] }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else { continue }
            if fields[0] == "go" && props["go.version.full"] == nil {
                let full = String(fields[1])
                props["go.version.full"] = full
                let parts = full.split(separator: ".")
                if parts.count >= 2 {
                    let minor = parts[1].prefix { $0.isASCII && $0.isNumber }
                    props["go.version"] = "\(parts[0]).\(minor)"
                } else {
                    props["go.version"] = full
                }
            } else if fields[0] == "module" && props["go.module"] == nil {
                props["go.module"] = String(fields[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return props
    }
}

// MARK: - Exit arena

/// Values kept alive until the process exits (see `ScanOptions.keepScanDataUntilExit`).
enum ExitArena {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var kept: [Any] = []
    static func keep(_ value: Any) {
        lock.lock()
        kept.append(value)
        lock.unlock()
    }
}

// MARK: - Phase timings

/// `LEAKLINT_TIMINGS=1` prints each scan phase's wall time to stderr (for benchmarks and
/// profiling; output files are unaffected).
public struct PhaseClock {
    public static let enabled: Bool = {
        guard let v = getenv("LEAKLINT_TIMINGS") else { return false }
        return v.pointee != 0 && v.pointee != 0x30  // set, not "0"
    }()
    var last = DispatchTime.now().uptimeNanoseconds
    /// Process CPU time (user + system, all threads) at the last lap: a phase's CPU over its
    /// wall time says how many cores it kept busy.
    var lastCPU = PhaseClock.processCPU()
    /// When the command-line tool started (0: not set): the first lap of a scan then also
    /// reports the start-up before it (arguments, rules, config, file plan).
    nonisolated(unsafe) public static var processStart: UInt64 = 0

    public init() {}

    /// Reports the time from `processStart` to now, if it was set.
    public mutating func startUp() {
        guard PhaseClock.enabled, PhaseClock.processStart > 0 else { return }
        last = PhaseClock.processStart
        lap("start-up: arguments, rules, config, plan")
    }

    public mutating func lap(_ phase: @autoclosure () -> String) {
        guard PhaseClock.enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let cpu = PhaseClock.processCPU()
        let ms = Double(now - last) / 1_000_000
        // The start-up lap began before this clock did: its CPU is all the process used so far.
        let cpuMs = Double(cpu - (last == PhaseClock.processStart ? 0 : lastCPU)) / 1_000_000
        FileHandle.standardError.write(Data("leaklint: timing: \(phase()): \(String(format: "%.1f", ms)) ms (CPU \(String(format: "%.1f", cpuMs)) ms)\n".utf8))
        last = now
        lastCPU = cpu
    }

    /// User + system CPU time of the whole process so far, in nanoseconds.
    static func processCPU() -> UInt64 {
        var u = rusage()
        guard getrusage(0, &u) == 0 else { return 0 }  // 0: RUSAGE_SELF (a C enum on Glibc, an Int32 on Darwin)
        func ns(_ t: timeval) -> UInt64 { UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_usec) * 1_000 }
        return ns(u.ru_utime) + ns(u.ru_stime)
    }

    /// Per analysis unit (scope, rule id, nanoseconds, waits for the scope's memo included):
    /// the summed time per rule and the slowest units.
    func unitTimes(_ units: [(scope: String, rule: String, ns: UInt64)]) {
        var byRule: [String: UInt64] = [:]
        for u in units { byRule[u.rule, default: 0] += u.ns }
        var lines = byRule.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
            .map { "leaklint: timing:   rule \($0.key): \(String(format: "%.1f", Double($0.value) / 1e6)) ms" }
        lines += units.sorted { $0.ns > $1.ns }.prefix(5)
            .map { "leaklint: timing:   unit \($0.rule) on \($0.scope): \(String(format: "%.1f", Double($0.ns) / 1e6)) ms" }
        FileHandle.standardError.write(Data(lines.map { $0 + "\n" }.joined().utf8))
    }
}

// MARK: - Parallelism

/// Files handed from a directory walk to reading workers as the walk lists them (see
/// `Scanner.run`). Workers take files in listing order while the walk goes on, and the rest
/// biggest first once it has ended.
final class FileFeed: @unchecked Sendable {
    private let cond = NSCondition()
    private var queue: [(index: Int, file: Discovery.File)] = []
    private var head = 0
    private var ended = false
    /// The walk's result, set when it ends.
    private(set) var result: Result<(files: [(index: Int, file: Discovery.File)], notifications: [ToolNotification]), Error>?

    func push(_ index: Int, _ file: Discovery.File) {
        cond.lock()
        queue.append((index, file))
        cond.signal()
        cond.unlock()
    }

    func finish(_ r: Result<(files: [(index: Int, file: Discovery.File)], notifications: [ToolNotification]), Error>) {
        cond.lock()
        result = r
        ended = true
        // What is left, biggest first (ties in listing order).
        queue[head...].sort { $0.file.size > $1.file.size || ($0.file.size == $1.file.size && $0.index < $1.index) }
        cond.broadcast()
        cond.unlock()
    }

    private func next() -> (index: Int, file: Discovery.File)? {
        cond.lock()
        defer { cond.unlock() }
        while head == queue.count && !ended { cond.wait() }
        guard head < queue.count else { return nil }
        head += 1
        return queue[head - 1]
    }

    /// Runs `body` on every file listed, on `workers` threads, until the walk has ended and
    /// every file is done; the outcomes by listing number.
    func drain<T: Sendable>(workers: Int, _ body: @Sendable (Discovery.File) -> T) -> [Int: T] {
        let w = max(1, workers)
        let slots = Parallel.Slots<[(Int, T)]>(w)
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: w) { k in
                var mine: [(Int, T)] = []
                while let item = next() { mine.append((item.index, body(item.file))) }
                slots.set(k, mine)
            }
        }
        var out: [Int: T] = [:]
        for part in slots.take() { for (i, v) in part { out[i] = v } }
        return out
    }
}

/// A bounded parallel map: `workers` threads pull indices from a shared counter.
enum Parallel {
    /// Indices by descending weight, ties in index order: an `order` for `map` that leaves the
    /// small items for last, so no worker is still busy with a big one when the others are done.
    static func heaviestFirst(_ weights: [Int]) -> [Int] {
        weights.indices.sorted { weights[$0] > weights[$1] || (weights[$0] == weights[$1] && $0 < $1) }
    }

    /// `order`: a permutation of `0..<count` saying which index workers take first (results
    /// stay in index order).
    static func map<T: Sendable>(_ count: Int, workers: Int, order: [Int]? = nil, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let w = max(1, min(workers, count))
        if w == 1 { return (0..<count).map(body) }
        precondition(order == nil || order!.count == count)
        let slots = Slots<T>(count)
        let counter = Counter()
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: w) { _ in
                while true {
                    let k = counter.next()
                    if k >= count { break }
                    let i = order?[k] ?? k
                    slots.set(i, body(i))
                }
            }
        }
        return slots.take()
    }

    /// One slot per index; each index is written by exactly one worker.
    final class Slots<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T?>
        let count: Int
        init(_ count: Int) {
            self.count = count
            base = .allocate(capacity: count)
            base.initialize(repeating: nil, count: count)
        }
        func set(_ i: Int, _ v: T) { (base + i).pointee = v }
        func take() -> [T] { (0..<count).map { base[$0]! } }
        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value - 1
        }
    }
}
