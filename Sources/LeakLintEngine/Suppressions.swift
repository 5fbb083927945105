import LeakLintCore

// MARK: - Inline suppressions

/// Applies `leaklint:ignore RULE[,RULE…] -- reason` directives (`SuppressionFact`s, emitted by
/// the front ends) to findings.
///
/// - A directive suppresses a finding whose primary location starts on the directive's target
///   line and whose rule id matches one of the directive's ids or globs (`go/*`, `*`).
/// - The reason is required: a directive without one suppresses nothing and is reported as a
///   warning (`suppression-without-reason`); so is one that names no rule (`suppression-without-rule`).
/// - A directive that suppresses nothing is reported as a note (`unused-suppression`), unless
///   every rule it names is disabled by config (it may matter again when they are enabled).
/// - Suppressed findings stay in the results with `SuppressionInfo(kind: "inSource", …)`;
///   reporters leave them out unless asked.
enum Suppressions {
    struct Input {
        var path: String
        var language: Language
        var suppressions: [SuppressionFact]
    }

    /// - Parameters:
    ///   - findings: the scope's or scan's findings (already-suppressed ones are kept as they are).
    ///   - files: the suppression facts of every file the findings can sit in.
    ///   - sources: to give directive notifications a line.
    ///   - knownRules: every rule the scan knows (enabled or not), to tell a disabled rule from a typo.
    ///   - enabled: ids of the rules that ran.
    static func apply(findings: [Finding], files: [Input], sources: [String: SourceFile],
                      knownRules: [Rule], enabled: Set<String>) -> (findings: [Finding], notifications: [ToolNotification]) {
        var notes: [ToolNotification] = []
        // Usable directives by (path, target line).
        struct Key: Hashable { var path: String; var line: Int }
        var byTarget: [Key: [(file: Int, index: Int)]] = [:]
        var used: [[Bool]] = files.map { Array(repeating: false, count: $0.suppressions.count) }

        func line(_ ref: SourceRef) -> Int? {
            sources[ref.path].map { $0.lineIndex(of: ref.start) + 1 }
        }

        for (fi, f) in files.enumerated() {
            for (si, s) in f.suppressions.enumerated() {
                if s.rules.isEmpty {
                    notes.append(ToolNotification(
                        level: .warning, id: "suppression-without-rule",
                        message: "leaklint:ignore needs a rule id or glob (`*` for every rule): `leaklint:ignore RULE -- reason`; it suppresses nothing",
                        path: f.path, line: line(s.at)))
                    continue
                }
                guard let reason = s.reason, !reason.isEmpty else {
                    notes.append(ToolNotification(
                        level: .warning, id: "suppression-without-reason",
                        message: "leaklint:ignore \(s.rules.joined(separator: ",")) has no reason; write `-- why` after the rule ids. It suppresses nothing until it has one",
                        path: f.path, line: line(s.at)))
                    continue
                }
                byTarget[Key(path: f.path, line: s.targetLine), default: []].append((fi, si))
            }
        }

        var out = findings
        if !byTarget.isEmpty {
            for i in out.indices where out[i].suppression == nil {
                let key = Key(path: out[i].location.path, line: out[i].location.region.startLine - 1)
                guard let candidates = byTarget[key] else { continue }
                for c in candidates {
                    let s = files[c.file].suppressions[c.index]
                    guard s.rules.contains(where: { matches($0, out[i].ruleID) }) else { continue }
                    if out[i].suppression == nil {
                        out[i].suppression = SuppressionInfo(kind: "inSource", justification: s.reason ?? "")
                    }
                    used[c.file][c.index] = true
                }
            }
        }

        for (fi, f) in files.enumerated() {
            for (si, s) in f.suppressions.enumerated() where !used[fi][si] && !s.rules.isEmpty && s.reason?.isEmpty == false {
                let relevant = knownRules.filter { r in
                    r.languages.contains(f.language) && s.rules.contains { matches($0, r.id) }
                }
                let names = s.rules.joined(separator: ",")
                if relevant.isEmpty {
                    notes.append(ToolNotification(
                        level: .note, id: "unused-suppression",
                        message: "leaklint:ignore \(names) names no \(f.language.rawValue) rule; it suppresses nothing",
                        path: f.path, line: line(s.at)))
                } else if relevant.contains(where: { enabled.contains($0.id) }) {
                    notes.append(ToolNotification(
                        level: .note, id: "unused-suppression",
                        message: "leaklint:ignore \(names) suppresses nothing: no finding on the line it applies to; remove it",
                        path: f.path, line: line(s.at)))
                }
            }
        }
        return (out, notes)
    }

    /// A directive's rule entry against a rule id: exact, or a glob.
    static func matches(_ pattern: String, _ ruleID: String) -> Bool {
        pattern == ruleID || ((pattern.contains("*") || pattern.contains("?")) && ByteText.glob(pattern, ruleID))
    }
}
