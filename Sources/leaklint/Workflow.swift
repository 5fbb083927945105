#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation
import LeakLintCore
import LeakLintEngine
import LeakLintReport

// MARK: - baseline

struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record today's findings so a CI gate fails only on new ones.",
        subcommands: [Write.self],
        defaultSubcommand: Write.self)

    struct Write: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "write",
            abstract: "Scan and write every reported finding's fingerprint (rule id + file + symbol) to the baseline.",
            discussion: """
                Reasons already in the file are kept for entries still needed; new entries get --reason. Entries the code no longer needs are dropped. Use it with `leaklint scan --baseline FILE`.

                Exit codes: 0 written, 2 could not run (the file is still written when only some files could not be analysed).
                """)

        @Argument(help: ArgumentHelp("Files or directories to scan.", valueName: "path"))
        var paths: [String] = []

        @Option(name: [.short, .long], help: ArgumentHelp("The baseline file.", valueName: "file"))
        var output: String = ".leaklint-baseline.json"

        @Option(help: ArgumentHelp("Reason recorded on new entries, e.g. \"legacy, tracked in #123\".", valueName: "text"))
        var reason: String?

        @Option(help: ArgumentHelp("Use this config file instead of the nearest `.leaklint.yml`.", valueName: "file"))
        var config: String?

        @Flag(name: .customLong("include-tests"), help: "Scan test files too.")
        var includeTests = false

        @Flag(name: .customLong("include-generated"), help: "Include findings in generated files too.")
        var includeGenerated = false

        @Option(help: ArgumentHelp("Files analysed in parallel (0 = one per core).", valueName: "n"))
        var jobs: Int = 0

        @Option(name: .customLong("compile-commands"), help: ArgumentHelp(
            "C++ precise mode: parse each translation unit with its flags from this compile_commands.json (or its folder).",
            valueName: "path"))
        var compileCommands: String?

        func run() throws {
            let paths = self.paths.isEmpty ? ["."] : self.paths
            for p in paths where !FileSystem.exists(p) { throw CLI.fail("no such file or directory: \(p)") }
            if let config, !FileSystem.exists(config) { throw CLI.fail("no such config file: \(config)") }
            if output.isEmpty { throw CLI.fail("--output needs a file name") }
            let previous: LeakLintEngine.Baseline?
            if FileSystem.exists(output) {
                do { previous = try LeakLintEngine.Baseline.load(path: output) } catch { throw CLI.fail("\(error)") }
            } else {
                previous = nil
            }
            let scanner: LeakLintEngine.Scanner
            do {
                var options = ScanOptions(paths: paths, configPath: config,
                                          includeTests: includeTests ? true : nil, jobs: max(0, jobs))
                options.compileCommands = compileCommands
                options.includeGenerated = includeGenerated ? true : nil
                options.lineHashes = false  // a baseline keys findings by fingerprint
                scanner = try LeakLintEngine.Scanner(options: options)
            } catch {
                throw CLI.fail("\(error)")
            }
            let result = scanner.run()
            let baseline = LeakLintEngine.Baseline(findings: result.findings, reason: reason, previous: previous)
            do { try OutputWriter.writeAtomically(baseline.encoded(), to: output) } catch { throw CLI.fail("\(error)") }
            let kept = previous.map { p in Set(p.entries.map(\.fingerprint)) } ?? []
            let now = Set(baseline.entries.map(\.fingerprint))
            OutputWriter.writeStderr("leaklint: wrote \(output): \(baseline.entries.count) entr\(baseline.entries.count == 1 ? "y" : "ies")"
                + (previous == nil ? "" : " (\(now.subtracting(kept).count) added, \(kept.subtracting(now).count) removed)") + "\n")
            if result.hadFileErrors {
                OutputWriter.writeStderr("leaklint: error: some files could not be analysed; the baseline may be incomplete\n")
                throw ExitCode(2)
            }
        }
    }
}

// MARK: - GitHub step summary

/// A short markdown summary for `$GITHUB_STEP_SUMMARY` (appended, as GitHub expects).
enum StepSummary {
    static func markdown(_ result: ScanResult, baseline: String?, changedSince: String?, staged: Bool, fixed: Int) -> String {
        let reported = result.reported
        let accepted = result.findings.filter { $0.suppression?.kind == "external" }.count
        var s = "## leaklint\n\n"
        var scope = "\(result.filesScanned) file\(result.filesScanned == 1 ? "" : "s") scanned"
        if let changedSince { scope += ", reporting lines changed since `\(changedSince)`" }
        if staged { scope += ", reporting staged files" }
        let noun = baseline == nil ? "finding" : "new finding"
        s += "**\(reported.count) \(noun)\(reported.count == 1 ? "" : "s")** — \(scope)."
        if baseline != nil { s += " \(accepted) accepted in the baseline." }
        if fixed > 0 { s += " \(fixed) fixed." }
        s += "\n\n"
        let stale = result.notifications.filter { $0.id == "stale-baseline-entry" }.count
        if stale > 0 { s += "\(stale) baseline entr\(stale == 1 ? "y is" : "ies are") no longer needed: run `leaklint baseline write`.\n\n" }
        let errors = result.notifications.filter { $0.level == .error }.count
        if errors > 0 { s += ":warning: \(errors) file\(errors == 1 ? "" : "s") could not be analysed.\n\n" }
        if reported.isEmpty { return s }
        s += "| Severity | Rule | Location | Message |\n| --- | --- | --- | --- |\n"
        let limit = 50
        for f in reported.prefix(limit) {
            s += "| \(f.severity.rawValue) | `\(f.ruleID)` | `\(cell(f.location.path)):\(f.location.region.startLine)` | \(cell(f.message)) |\n"
        }
        if reported.count > limit { s += "\n…and \(reported.count - limit) more (see the SARIF or the log).\n" }
        return s + "\n"
    }

    static func cell(_ t: String) -> String {
        var out = ""
        for c in t.unicodeScalars.prefix(300) {
            switch c {
            case "|": out += "\\|"
            case "\n", "\r": out += " "
            case "`": out += "'"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func append(_ text: String, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else {
            OutputWriter.writeStderr("leaklint: warning: cannot write the step summary \(path)\n")
            return
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
            written += n
        }
        close(fd)
    }
}
