import LeakLintCore
import LeakLintEngine

/// Compiler-style text: `path:line:col: severity: message [rule-id]`, related sites as notes,
/// the suggested fix indented under the finding, notifications, and a summary line.
public enum TextReporter {
    public static func render(_ result: ScanResult, options: ReportOptions = ReportOptions()) -> [UInt8] {
        let paint = Paint(enabled: options.color)
        var out = ""
        let findings = Reporter.visibleFindings(result, includeSuppressed: options.includeSuppressed)
        for f in findings {
            let loc = f.location
            out += paint.bold("\(loc.path):\(loc.region.startLine):\(loc.region.startColumn):")
            out += " " + paint.severity(f.severity) + " " + paint.bold(f.message)
            out += " " + paint.dim("[\(f.ruleID)]")
            if let s = f.suppression {
                out += " " + paint.dim("(suppressed \(s.kind): \(s.justification))")
            }
            out += "\n"
            for r in f.related {
                let l = r.location
                out += "  \(l.path):\(l.region.startLine):\(l.region.startColumn): " + paint.note("note:") + " \(r.message)\n"
            }
            if let fix = f.fix {
                out += "  " + paint.fix("fix (\(fix.applicability.rawValue)):") + " \(fix.description)\n"
                for line in Lines.split(fix.snippet) {
                    out += line.isEmpty ? "\n" : "    \(line)\n"
                }
            }
        }
        for n in Reporter.sortedNotifications(result) {
            let level = paint.severity(n.level)
            if let path = n.path {
                out += paint.bold("\(path):\(n.line ?? 1):1:") + " \(level) \(n.message) " + paint.dim("[leaklint/\(n.id)]") + "\n"
            } else {
                out += "leaklint: \(level) \(n.message) " + paint.dim("[leaklint/\(n.id)]") + "\n"
            }
        }
        out += summary(result, shown: findings, options: options) + "\n"
        return Array(out.utf8)
    }

    /// `3 findings (1 error, 2 warnings, 0 notes) in 12 files, 3,400 lines` or
    /// `no leaks found in 12 files, 3400 lines`, plus the suppressed count when hidden.
    public static func summary(_ result: ScanResult, shown: [Finding], options: ReportOptions) -> String {
        let reported = shown.filter { $0.suppression == nil }
        let scope = "in \(Plural.count(result.filesScanned, "file")), \(Plural.count(result.linesScanned, "line"))"
        var s: String
        if reported.isEmpty {
            s = "no leaks found \(scope)"
        } else {
            let e = reported.filter { $0.severity == .error }.count
            let w = reported.filter { $0.severity == .warning }.count
            let n = reported.filter { $0.severity == .note }.count
            s = "\(Plural.count(reported.count, "finding")) (\(Plural.count(e, "error")), \(Plural.count(w, "warning")), \(Plural.count(n, "note"))) \(scope)"
        }
        let suppressed = result.findings.count - result.reported.count
        if suppressed > 0 {
            s += options.includeSuppressed ? "; \(suppressed) suppressed (shown)" : "; \(suppressed) suppressed"
        }
        let problems = result.notifications.filter { $0.level == .error }.count
        if problems > 0 {
            s += "; \(Plural.count(problems, "scan error")) (see above)"
        }
        return s
    }
}

/// ANSI styling, or nothing at all.
struct Paint {
    let enabled: Bool
    private func wrap(_ code: String, _ s: String) -> String {
        enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
    func bold(_ s: String) -> String { wrap("1", s) }
    func dim(_ s: String) -> String { wrap("2", s) }
    func note(_ s: String) -> String { wrap("1;36", s) }
    func fix(_ s: String) -> String { wrap("1;32", s) }
    func severity(_ s: Severity) -> String {
        switch s {
        case .error: return wrap("1;31", "error:")
        case .warning: return wrap("1;35", "warning:")
        case .note: return wrap("1;36", "note:")
        }
    }
}
