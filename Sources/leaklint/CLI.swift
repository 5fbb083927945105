import ArgumentParser
import Foundation
import LeakLintCore
import LeakLintEngine
import LeakLintReport

/// Parses the arguments, runs the command and returns the process exit status.
enum CLI {
    static func run(_ arguments: [String]) -> Int32 {
        if PhaseClock.enabled { PhaseClock.processStart = DispatchTime.now().uptimeNanoseconds }
        do {
            // swift-argument-parser's positional matching grows with the square of the argument
            // count: a pre-commit batch or a CI file list of thousands of paths spent seconds in
            // it. The trailing run of plain paths is parsed by hand and appended afterwards.
            let (head, tail) = splitTrailingPaths(arguments)
            var command = try LeakLint.parseAsRoot(head)
            if !tail.isEmpty {
                if var c = command as? Scan { c.flags.paths += tail; command = c }
                else if var c = command as? Checklist { c.flags.paths += tail; command = c }
                else if var c = command as? BaselineCommand.Write { c.paths += tail; command = c }
                else if var c = command as? Test { c.directories += tail; command = c }
                else { command = try LeakLint.parseAsRoot(arguments) }
            }
            try command.run()
            return 0
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            let message = LeakLint.fullMessage(for: error)
            if LeakLint.exitCode(for: error) == .success {
                // --help, --version, `help SUBCOMMAND`.
                try? OutputWriter.writeStdout(Array((message.hasSuffix("\n") ? message : message + "\n").utf8))
                return 0
            }
            // Bad flag, bad value, failed validation, or an unexpected error: could not run.
            OutputWriter.writeStderr(message.hasSuffix("\n") ? message : message + "\n")
            return 2
        }
    }

    /// Splits a long argument list into what the parser must see and a trailing run of paths: the
    /// arguments after the last option (or after `--`), minus the first of them, which stays with
    /// the parser in case it is the last option's value. Short lists are left whole.
    static func splitTrailingPaths(_ args: [String], threshold: Int = 64) -> (head: [String], tail: [String]) {
        guard args.count > threshold else { return (args, []) }
        var start: Int
        if let dd = args.firstIndex(of: "--") {
            start = dd + 1
        } else {
            start = 0
            for (i, a) in args.enumerated() where a.hasPrefix("-") { start = i + 1 }
        }
        start += 1  // keep one positional (or an option's value) with the parser
        guard start < args.count else { return (args, []) }
        return (Array(args[..<start]), Array(args[start...]))
    }

    /// Prints `leaklint: message` on stderr and returns exit code 2.
    static func fail(_ message: String) -> ExitCode {
        OutputWriter.writeStderr("leaklint: error: \(message)\n")
        return ExitCode(2)
    }
}

extension ReportFormat: ExpressibleByArgument {}
extension FailThreshold: ExpressibleByArgument {}

enum ColorChoice: String, CaseIterable, ExpressibleByArgument { case auto, always, never }
enum ListFormat: String, CaseIterable, ExpressibleByArgument { case text, json }

// MARK: - leaklint

struct LeakLint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaklint",
        abstract: "Find logical memory leaks in Go, Java, Swift and C++: caches nobody evicts, "
            + "slices only appended to, listeners never removed, goroutines and tasks with no way to stop.",
        discussion: """
            Every finding comes with a bounded fix written with the flagged code's own names and types. `scan` is the default subcommand: `leaklint .` scans the current directory.

            EXAMPLES:
              leaklint .                          scan; compiler-style text
              leaklint -f sarif -o out.sarif .    SARIF for GitHub code scanning
              leaklint checklist src/             markdown checklist for a PR
              leaklint --fail-on error .          fail only on error findings
              leaklint rules list                 every rule: severity, family
              leaklint rules explain go/unbounded-global-map

            EXIT CODES:
              0  nothing at or above --fail-on (also --help, --version)
              1  findings at or above --fail-on (suppressed ones never count)
              2  could not run: bad flag, config or rule file, no such path,
                 unwritable --output, or a file could not be analysed
                 (the report is still complete)

            ENVIRONMENT:
              NO_COLOR          set and not empty: no colour with --color auto
              LEAKLINT_TIMINGS  1: each scan phase's wall and CPU time and each rule's time on stderr
            """,
        version: LeakLintVersion.string,
        subcommands: [Scan.self, Checklist.self, Rules.self, BaselineCommand.self, Test.self],
        defaultSubcommand: Scan.self)
}

// MARK: - Shared scan options

struct ScanFlags: ParsableArguments {
    @Argument(help: ArgumentHelp("Files or directories to scan.", valueName: "path"))
    var paths: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp(
        "Write the report to this file (atomically: a temporary file, then a rename) instead of stdout.",
        valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Use this config file instead of the `.leaklint.yml` found by walking up from the first path.",
                               valueName: "file"))
    var config: String?

    @Option(name: .customLong("fail-on"), help: ArgumentHelp(
        "Exit 1 when a reported finding has this severity or higher (error|warning|note|never).", valueName: "severity"))
    var failOn: FailThreshold = .warning

    @Flag(name: .customLong("include-tests"), help: "Scan test files too (`_test.go`, `src/test/`, `Tests/`, …).")
    var includeTests = false

    @Flag(name: .customLong("include-generated"), help: ArgumentHelp(
        "Report findings in generated files too (a `Code generated … DO NOT EDIT` header or the like). They are analysed either way."))
    var includeGenerated = false

    @Flag(name: .customLong("include-suppressed"), help: ArgumentHelp(
        "Report findings silenced by `leaklint:ignore` or the baseline, marked as suppressed. They never affect the exit code."))
    var includeSuppressed = false

    @Option(help: ArgumentHelp("Files analysed in parallel (0 = one per core).", valueName: "n"))
    var jobs: Int = 0

    @Option(help: ArgumentHelp("Colour text output: auto (stdout is a terminal and NO_COLOR is unset), always, never.",
                               valueName: "when"))
    var color: ColorChoice = .auto

    @Option(name: .customLong("link-base"), help: ArgumentHelp(
        "Prefix for checklist links, e.g. https://github.com/OWNER/REPO/blob/SHA/ (default: root-relative links).",
        valueName: "url"))
    var linkBase: String?

    @Flag(help: ArgumentHelp(
        "Report findings only in the files staged in git (added, copied, modified, renamed), reading the rest of each file's package/module so a `delete` elsewhere still counts."))
    var staged = false

    @Option(name: .customLong("changed-since"), help: ArgumentHelp(
        "Analyse whole scopes but report only findings whose primary location is on a line added or modified since REV (e.g. a pull request's merge base); work-tree edits count.",
        valueName: "rev"))
    var changedSince: String?

    @Option(help: ArgumentHelp(
        "Accepted findings (from `leaklint baseline write`): only findings not in it count for the exit code; results carry baselineState new/unchanged; entries no longer needed are reported.",
        valueName: "file"))
    var baseline: String?

    @Option(name: .customLong("compile-commands"), help: ArgumentHelp(
        "C++ precise mode: parse each translation unit with its own flags from this compile_commands.json (or the folder holding one), so aliases from headers resolve; headers are analysed with the unit that includes them. Flags that load code (-fplugin, -Xclang -load) are dropped; nothing in it is run. Default: fast mode (each file alone, no includes).",
        valueName: "path"))
    var compileCommands: String?

    mutating func validate() throws {
        if let compileCommands, compileCommands.isEmpty { throw ValidationError("--compile-commands needs a path.") }
        if jobs < 0 { throw ValidationError("--jobs must be 0 or more, not \(jobs).") }
        if let output, output.isEmpty { throw ValidationError("--output needs a file name.") }
        if staged && changedSince != nil { throw ValidationError("--staged and --changed-since cannot be combined.") }
        if let changedSince, changedSince.isEmpty { throw ValidationError("--changed-since needs a revision.") }
        if let baseline, baseline.isEmpty { throw ValidationError("--baseline needs a file name.") }
    }

    /// What to read and what to report on.
    struct Plan {
        var readPaths: [String]
        /// `readPaths` are files whose whole scopes the scan reads too, working them out during
        /// discovery (`ScanOptions.expandFilesToScopes`).
        var expandFilesToScopes = false
        /// Absolute paths of the only files to report on (nil = every scanned file).
        var onlyFiles: Set<String>?
        var changed: ChangedLines?
        /// Root-relative prefixes of what the scan covers, for judging stale baseline entries
        /// (made only when a baseline is used: a file list names thousands).
        var covered: () -> [String]
        /// Nothing to scan (no staged files): an empty report.
        var empty = false
    }

    /// Works out the paths to read: staged files or a list of files (a hook's) are expanded
    /// to their whole scopes, findings reported only for them; `--changed-since` reads the
    /// paths as given.
    /// `allFiles`: every path names a regular file (the caller has stat'ed them).
    func plan(paths: [String], allFiles: Bool) throws -> Plan {
        let root = ScopeExpansion.root(for: paths)
        let cwd = FileManager.default.currentDirectoryPath
        let givenRel = { paths.map { ScopeExpansion.rootRelative($0, root: root, cwd: cwd) } }
        if staged {
            var files = try GitStaged.files(root: root)
            let given = givenRel()
            if given != ["."] {
                files = files.filter { f in given.contains { $0 == "." || f == $0 || f.hasPrefix($0 + "/") } }
            }
            let abs = files.map { root == "/" ? "/" + $0 : root + "/" + $0 }
            // As for a list of files: their scopes are worked out during discovery.
            return Plan(readPaths: abs, expandFilesToScopes: true, onlyFiles: Set(abs),
                        changed: nil, covered: { files }, empty: files.isEmpty)
        }
        var changed: ChangedLines?
        if let rev = changedSince { changed = try ChangedLines.since(rev, root: root) }
        if allFiles && changed == nil {
            // The files' scopes (ScopeExpansion.directories) are worked out during discovery,
            // while the files themselves are being read.
            let abs = paths.map { ($0.hasPrefix("/") ? $0 : cwd + "/" + $0) }
            return Plan(readPaths: paths, expandFilesToScopes: true, onlyFiles: Set(abs), changed: nil, covered: givenRel)
        }
        return Plan(readPaths: paths, onlyFiles: nil, changed: changed, covered: givenRel)
    }

    /// Runs the scan, writes the report, returns the exit status.
    func execute(format: ReportFormat, fix: Bool = false, unsafeFixes: Bool = false) -> Int32 {
        let paths = self.paths.isEmpty ? ["."] : self.paths
        // One stat per path (a CI file list names thousands): it exists, and is it a file?
        var allFiles = true
        var stats: [stat] = []
        stats.reserveCapacity(paths.count)
        for p in paths {
            var st = stat()
            guard stat(p, &st) == 0 else { return CLI.fail("no such file or directory: \(p)").rawValue }
            if (st.st_mode & S_IFMT) != S_IFREG { allFiles = false }
            stats.append(st)
        }
        if let config, !FileSystem.exists(config) {
            return CLI.fail("no such config file: \(config)").rawValue
        }
        var accepted: LeakLintEngine.Baseline?
        if let baseline {
            guard FileSystem.exists(baseline) else {
                return CLI.fail("no such baseline file: \(baseline) (create it with `leaklint baseline write`)").rawValue
            }
            do { accepted = try LeakLintEngine.Baseline.load(path: baseline) } catch { return CLI.fail("\(error)").rawValue }
        }
        let plan: Plan
        do { plan = try self.plan(paths: paths, allFiles: allFiles) } catch { return CLI.fail("\(error)").rawValue }
        let options = ScanOptions(paths: plan.readPaths.isEmpty ? paths : plan.readPaths, configPath: config,
                                  includeTests: includeTests ? true : nil, jobs: jobs, onlyFiles: plan.onlyFiles)
        var scanOptions = options
        scanOptions.compileCommands = compileCommands
        scanOptions.includeGenerated = includeGenerated ? true : nil
        scanOptions.expandFilesToScopes = plan.expandFilesToScopes
        scanOptions.lineHashes = format == .sarif
        scanOptions.keepScanDataUntilExit = true
        // The paths were checked above, or come from the plan, which stat'ed them (staged
        // files come from git's index: one may be gone from the working tree).
        scanOptions.pathsChecked = !staged
        // Discovery takes these stats instead of asking again (one stat per listed file, not two).
        if scanOptions.paths == paths { scanOptions.pathStats = stats }
        let scanner: LeakLintEngine.Scanner
        do {
            scanner = try LeakLintEngine.Scanner(options: scanOptions)
        } catch {
            return CLI.fail("\(error)").rawValue
        }
        var result: ScanResult
        if plan.empty {
            result = ScanResult(root: scanner.root, findings: [], notifications: [], rules: scanner.rules,
                                filesScanned: 0, linesScanned: 0)
        } else {
            let progress = Terminal.isTTY(2)
            if progress { OutputWriter.writeStderr("leaklint: scanning \(paths.joined(separator: " "))…") }
            result = scanner.run()
            if progress { OutputWriter.writeStderr("\r\u{1B}[K") }
        }

        // Baseline on the whole result (before --changed-since narrows it), so an entry for an
        // unchanged line of a changed file is not taken for stale.
        if let accepted {
            let covered = plan.covered()
            let root = result.root
            let outcome = accepted.apply(to: result, source: baseline ?? "baseline") { path in
                if plan.onlyFiles != nil { return covered.contains(path) }
                if !FileSystem.exists(root == "/" ? "/" + path : root + "/" + path) { return true }
                return covered.contains { $0 == "." || path == $0 || path.hasPrefix($0 + "/") }
            }
            result = outcome.result
        }
        if let changed = plan.changed {
            result.findings = result.findings.filter { changed.contains($0) }
            result.notifications = result.notifications.filter { n in
                n.id == "stale-baseline-entry" || (n.path.map { changed.files.contains($0) } ?? true)
            }
        }

        var fixedCount = 0
        if fix || unsafeFixes {
            let outcome = FixApplier.run(result.findings, root: result.root, unsafe: unsafeFixes)
            var log = ""
            for a in outcome.applied { log += "fixed \(a.path):\(a.line): \(a.ruleID): \(a.description)\n" }
            for s in outcome.skipped {
                log += "not fixed \(s.finding.location.path):\(s.finding.location.region.startLine): \(s.finding.ruleID): \(s.reason)\n"
            }
            for e in outcome.errors { log += "leaklint: error: cannot apply fixes to \(e)\n" }
            let remaining = result.findings.filter { FixApplier.eligible($0, unsafe: true) && !FixApplier.eligible($0, unsafe: unsafeFixes) }.count
            log += "leaklint: \(outcome.applied.count) fix\(outcome.applied.count == 1 ? "" : "es") applied in \(outcome.filesWritten.count) file\(outcome.filesWritten.count == 1 ? "" : "s")"
            if remaining > 0 { log += "; \(remaining) more with --unsafe-fixes" }
            log += "\n"
            OutputWriter.writeStderr(log)
            let done = Set(outcome.applied.map(\.finding))
            fixedCount = done.count
            result.findings = result.findings.filter { !done.contains($0) }
            if !outcome.errors.isEmpty {
                result.notifications.append(contentsOf: outcome.errors.map {
                    ToolNotification(level: .error, id: "fix-not-written", message: "cannot apply fixes to \($0)")
                })
            }
        }

        let useColor: Bool
        switch color {
        case .always: useColor = true
        case .never: useColor = false
        case .auto: useColor = output == nil && Terminal.isTTY(1) && !Terminal.noColor
        }
        // Baselined findings are suppressed (kind external, baselineState unchanged): left out
        // unless --include-suppressed, as GitHub would open alerts for uploaded suppressed results.
        let reportOptions = ReportOptions(includeSuppressed: includeSuppressed, color: useColor && format == .text,
                                          linkBase: linkBase)
        let rendered = result
        let bytes = Reporter.render(rendered, format: format, options: reportOptions)
        do {
            if let output {
                try OutputWriter.writeAtomically(bytes, to: output)
            } else {
                try OutputWriter.writeStdout(bytes)
            }
        } catch {
            return CLI.fail("\(error)").rawValue
        }
        if let summaryPath = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !summaryPath.isEmpty {
            StepSummary.append(StepSummary.markdown(result, baseline: baseline, changedSince: changedSince,
                                                    staged: staged, fixed: fixedCount), to: summaryPath)
        }
        let status = ScanExit.status(result, failOn: failOn)
        if status == ScanExit.couldNotRun {
            let errors = result.notifications.filter { $0.level == .error }
            let files = Set(errors.compactMap(\.path)).count
            let what = files == errors.count
                ? (files == 1 ? "1 file could not be analysed" : "\(files) files could not be analysed")
                : "\(errors.count) error\(errors.count == 1 ? "" : "s") during the scan"
            OutputWriter.writeStderr("leaklint: error: the scan is incomplete: \(what) (listed in the report)\n")
        }
        return status
    }
}

// MARK: - scan

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan files and directories for memory leaks (the default subcommand).",
        discussion: """
            Paths default to the current directory. Directories are walked honouring .gitignore and the config's excludes; test files are skipped unless --include-tests (or `include-tests: true` in the config). Findings in generated files (a `Code generated … DO NOT EDIT` header, protoc's or JavaCC's banner, `@generated`) are not reported unless --include-generated (or `include-generated: true`); a note counts them.

            Formats: text (`path:line:col: severity: message [rule-id]` with the fix under it), json (documented schema, version 1), sarif (2.1.0, for GitHub code scanning), checklist (markdown for a pull-request comment).

            Exit codes: 0 clean, 1 findings at/above --fail-on, 2 could not run.
            """)

    @Option(name: [.short, .long], help: ArgumentHelp("Output format: text, json, sarif or checklist.", valueName: "format"))
    var format: ReportFormat = .text

    @Flag(help: "Apply the fixes marked safe in place (never touching a file without a finding) and print each change on stderr.")
    var fix = false

    @Flag(name: .customLong("unsafe-fixes"), help: "Apply unsafe fixes too (implies --fix): they compile but may change behaviour; review them.")
    var unsafeFixes = false

    @OptionGroup var flags: ScanFlags

    func run() throws {
        let status = flags.execute(format: format, fix: fix, unsafeFixes: unsafeFixes)
        if status != 0 { throw ExitCode(status) }
    }
}

// MARK: - checklist

struct Checklist: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "Print the markdown review checklist (same as `scan --format checklist`).",
        discussion: "Each item is ticked when no finding answers it; otherwise the findings are listed with their fixes.")

    @OptionGroup var flags: ScanFlags

    func run() throws {
        let status = flags.execute(format: .checklist)
        if status != 0 { throw ExitCode(status) }
    }
}

// MARK: - rules

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the rules or explain one.",
        subcommands: [List.self, Explain.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List every rule: id, severity, family, summary.")

        @Option(name: [.short, .long], help: ArgumentHelp("text or json.", valueName: "format"))
        var format: ListFormat = .text

        func run() throws {
            let rules: [Rule]
            do { rules = try RuleCatalog.builtin() } catch { throw CLI.fail("cannot load the rules: \(error)") }
            let bytes = format == .json ? RuleDocs.listJSON(rules) : Array(RuleDocs.listText(rules).utf8)
            do { try OutputWriter.writeStdout(bytes) } catch { throw CLI.fail("\(error)") }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Show a rule's documentation: summary, description, fix template, checklist item.",
            discussion: "Unknown ids exit 2 and list the closest rule ids.")

        @Argument(help: ArgumentHelp("The rule id, e.g. go/unbounded-global-map.", valueName: "rule-id"))
        var ruleID: String

        func run() throws {
            let rules: [Rule]
            do { rules = try RuleCatalog.builtin() } catch { throw CLI.fail("cannot load the rules: \(error)") }
            let matches = rules.filter { $0.id == ruleID }
            guard let rule = matches.first else {
                let close = RuleDocs.closeMatches(ruleID, in: rules)
                var msg = "unknown rule '\(ruleID)'"
                if !close.isEmpty { msg += "; did you mean: " + close.joined(separator: ", ") }
                msg += " (`leaklint rules list` shows every rule)"
                throw CLI.fail(msg)
            }
            do { try OutputWriter.writeStdout(Array(RuleDocs.markdown(rule).utf8)) } catch { throw CLI.fail("\(error)") }
        }
    }
}

// MARK: - test

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Check annotated fixtures (`// ruleid:` / `// ok:`) against the rules.",
        discussion: """
            Every fixture file or directory under the given directories (default: fixtures) is scanned with the built-in rules and those under --rules; a finding on a line without `ruleid:`, a `ruleid:` without a finding, or an `ok:` with a finding is a mismatch.

            Exit codes: 0 all match, 1 mismatches, 2 could not run (no fixtures, bad rules).
            """)

    @Argument(help: ArgumentHelp("Fixture directories.", valueName: "fixture-dir"))
    var directories: [String] = []

    @Option(name: .customLong("rules"), help: ArgumentHelp(
        "A folder of your own rule files (`<lang>/<name>.yaml`), added to the built-in rules; repeatable.",
        valueName: "dir"))
    var ruleDirectories: [String] = []

    func run() throws {
        let dirs = directories.isEmpty ? ["fixtures"] : directories
        var rules: [Rule]
        do {
            rules = try RuleCatalog.builtin()
            for d in ruleDirectories {
                let extra = try RuleCatalog.load(directory: d)
                let ids = Set(extra.map(\.id))
                rules = rules.filter { !ids.contains($0.id) } + extra
            }
        } catch {
            throw CLI.fail("cannot load the rules: \(error)")
        }
        var fixtures: [String] = []
        for d in dirs {
            guard FileSystem.exists(d) else { throw CLI.fail("no such fixture directory: \(d)") }
            fixtures += FixtureChecker.fixtures(under: d)
        }
        if fixtures.isEmpty { throw CLI.fail("no fixtures under \(dirs.joined(separator: ", "))") }
        var out = ""
        var mismatches = 0
        for f in fixtures.sorted() {
            for m in FixtureChecker.check(fixture: f, rules: rules) {
                out += "\(m.path):\(m.line): \(m.description)\n"
                mismatches += 1
            }
        }
        out += "\(fixtures.count) fixture\(fixtures.count == 1 ? "" : "s") checked, "
            + "\(mismatches) mismatch\(mismatches == 1 ? "" : "es")\n"
        do { try OutputWriter.writeStdout(Array(out.utf8)) } catch { throw CLI.fail("\(error)") }
        if mismatches > 0 { throw ExitCode(1) }
    }
}
