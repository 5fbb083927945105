import LeakLintCore
import LeakLintEngine

/// The version every reporter and `leaklint --version` print.
public enum LeakLintVersion {
    public static let string = "0.1.0"
    public static let informationURI = "https://github.com/leaklint/leaklint"
}

/// The output formats of `leaklint scan --format`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, sarif, checklist
}

/// What a reporter needs besides the scan result. Reporters are pure: the same result and
/// options always give the same bytes (no clock, no environment).
public struct ReportOptions: Sendable {
    /// Show findings silenced by `leaklint:ignore` or a baseline (with their justification).
    public var includeSuppressed: Bool
    /// ANSI colour in the text format (the CLI decides: TTY and no `NO_COLOR`, or `--color always`).
    public var color: Bool
    /// Prefix for links in the checklist (`https://github.com/o/r/blob/<sha>/`); nil for
    /// root-relative links.
    public var linkBase: String?
    /// Most SARIF results written (GitHub rejects more than 25,000 per run).
    public var sarifResultLimit: Int

    public init(includeSuppressed: Bool = false, color: Bool = false, linkBase: String? = nil,
                sarifResultLimit: Int = 25_000) {
        self.includeSuppressed = includeSuppressed; self.color = color
        self.linkBase = linkBase; self.sarifResultLimit = sarifResultLimit
    }
}

/// Entry point: a scan result in one format, as the bytes to write.
public enum Reporter {
    public static func render(_ result: ScanResult, format: ReportFormat, options: ReportOptions = ReportOptions()) -> [UInt8] {
        switch format {
        case .text: return TextReporter.render(result, options: options)
        case .json: return JSONReporter.render(result, options: options)
        case .sarif: return SARIFReporter.render(result, options: options)
        case .checklist: return ChecklistReporter.render(result, options: options)
        }
    }

    /// The findings a reporter shows, in the one canonical order (path, position, rule, message).
    static func visibleFindings(_ result: ScanResult, includeSuppressed: Bool) -> [Finding] {
        let chosen = includeSuppressed ? result.findings : result.findings.filter { $0.suppression == nil }
        return chosen.sorted(by: findingOrder)
    }

    static func findingOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.location.path != b.location.path { return a.location.path.utf8.lexicographicallyPrecedes(b.location.path.utf8) }
        if a.location.region != b.location.region { return a.location.region < b.location.region }
        if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
        if a.symbol != b.symbol { return a.symbol < b.symbol }
        return a.message < b.message
    }

    static func sortedNotifications(_ result: ScanResult) -> [ToolNotification] {
        result.notifications.sorted()
    }
}

// MARK: - Small text helpers shared by the reporters

enum Plural {
    /// `1 finding`, `2 findings`.
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : (plural ?? singular + "s"))"
    }
}

enum Lines {
    /// Splits on `\n` (dropping a `\r` before it), keeping empty lines; no trailing empty line.
    static func split(_ s: String) -> [String] {
        // Bytes, not Characters: "\r\n" is one Character and would never equal "\n".
        var lines = Array(s.utf8).split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> String in
            let body = line.last == 0x0D ? line.dropLast() : line
            return String(decoding: body, as: UTF8.self)
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines
    }
}
