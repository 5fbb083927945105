import ArgumentParser
import LeakLintCore
import LeakLintEngine
import LeakLintReport

/// Parses the arguments, runs the command and returns the process exit status.
enum CLI {
    static func run(_ arguments: [String]) -> Int32 {
        do {
            var command = try LeakLint.parseAsRoot(arguments)
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
              NO_COLOR  set and not empty: no colour with --color auto
            """,
        version: LeakLintVersion.string,
        subcommands: [Scan.self, Checklist.self, Rules.self, Test.self],
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

    mutating func validate() throws {
        if jobs < 0 { throw ValidationError("--jobs must be 0 or more, not \(jobs).") }
        if let output, output.isEmpty { throw ValidationError("--output needs a file name.") }
    }

    /// Runs the scan, writes the report, returns the exit status.
    func execute(format: ReportFormat) -> Int32 {
        let paths = self.paths.isEmpty ? ["."] : self.paths
        for p in paths where !FileSystem.exists(p) {
            return CLI.fail("no such file or directory: \(p)").rawValue
        }
        if let config, !FileSystem.exists(config) {
            return CLI.fail("no such config file: \(config)").rawValue
        }
        let options = ScanOptions(paths: paths, configPath: config, includeTests: includeTests ? true : nil, jobs: jobs)
        let scanner: Scanner
        do {
            scanner = try Scanner(options: options)
        } catch {
            return CLI.fail("\(error)").rawValue
        }
        let progress = Terminal.isTTY(2)
        if progress { OutputWriter.writeStderr("leaklint: scanning \(paths.joined(separator: " "))…") }
        let result = scanner.run()
        if progress { OutputWriter.writeStderr("\r\u{1B}[K") }

        let useColor: Bool
        switch color {
        case .always: useColor = true
        case .never: useColor = false
        case .auto: useColor = output == nil && Terminal.isTTY(1) && !Terminal.noColor
        }
        let reportOptions = ReportOptions(includeSuppressed: includeSuppressed, color: useColor && format == .text,
                                          linkBase: linkBase)
        let bytes = Reporter.render(result, format: format, options: reportOptions)
        do {
            if let output {
                try OutputWriter.writeAtomically(bytes, to: output)
            } else {
                try OutputWriter.writeStdout(bytes)
            }
        } catch {
            return CLI.fail("\(error)").rawValue
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
        abstract: "Scan files and directories for memory leaks (the default subcommand).",
        discussion: """
            Paths default to the current directory. Directories are walked honouring .gitignore and the config's excludes; test files are skipped unless --include-tests (or `include-tests: true` in the config).

            Formats: text (`path:line:col: severity: message [rule-id]` with the fix under it), json (documented schema, version 1), sarif (2.1.0, for GitHub code scanning), checklist (markdown for a pull-request comment).

            Exit codes: 0 clean, 1 findings at/above --fail-on, 2 could not run.
            """)

    @Option(name: [.short, .long], help: ArgumentHelp("Output format: text, json, sarif or checklist.", valueName: "format"))
    var format: ReportFormat = .text

    @OptionGroup var flags: ScanFlags

    func run() throws {
        let status = flags.execute(format: format)
        if status != 0 { throw ExitCode(status) }
    }
}

// MARK: - checklist

struct Checklist: ParsableCommand {
    static let configuration = CommandConfiguration(
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
        abstract: "List the rules or explain one.",
        subcommands: [List.self, Explain.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every rule: id, severity, family, summary.")

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
