import LeakLintCore
import LeakLintEngine

/// A markdown code-review checklist for a pull-request comment: one item per leak family
/// (worded after the review checklist in the incident write-ups), with the rules' own checklist
/// items under it. An item is ticked when no reported finding belongs to it; otherwise the
/// findings are listed under it as `path:line` links with their suggested fixes.
public enum ChecklistReporter {
    /// The family-level item, in the order the checklist shows them.
    public static func familyItem(_ family: Family) -> String {
        switch family {
        case .unboundedMap: return "All caches have bounded size and TTL"
        case .appendOnly: return "Collections are cleared or bounded when no longer needed"
        case .listener: return "Event listeners are removed when no longer needed (or callbacks are held weakly)"
        case .uncancelledTask: return "Thread pools, goroutines, tasks and timers have a shutdown path"
        }
    }

    /// Findings listed under one checklist item; the rest are counted.
    public static let maxFindingsPerItem = 10
    /// Characters of findings listed in total (GitHub comments hold at most 65,536).
    public static let bodyBudget = 50_000

    public static func render(_ result: ScanResult, options: ReportOptions = ReportOptions()) -> [UInt8] {
        let all = Reporter.visibleFindings(result, includeSuppressed: true)
        let reported = all.filter { $0.suppression == nil }
        let suppressed = all.filter { $0.suppression != nil }
        var rulesByID: [String: Rule] = [:]
        for r in result.rules where rulesByID[r.id] == nil { rulesByID[r.id] = r }
        // Families with at least one rule that ran or one finding.
        var families: [Family] = []
        for fam in Family.allCases where result.rules.contains(where: { $0.family == fam }) || reported.contains(where: { $0.family == fam }) {
            families.append(fam)
        }

        var body = ""
        var open = 0
        for fam in families {
            let famFindings = reported.filter { $0.family == fam }
            if !famFindings.isEmpty { open += 1 }
            body += "- [\(famFindings.isEmpty ? "x" : " ")] **\(familyItem(fam))** (`\(fam.rawValue)`)\n"
            // Sub-items: one per distinct rule checklist text, in rule-id order.
            var groups: [(text: String, ruleIDs: [String])] = []
            let famRuleIDs = Set(result.rules.filter { $0.family == fam }.map(\.id)).union(famFindings.map(\.ruleID))
            for id in famRuleIDs.sorted() {
                let rule = rulesByID[id]
                let text = rule.map { $0.checklist.isEmpty ? $0.summary : $0.checklist } ?? id
                if let i = groups.firstIndex(where: { $0.text == text }) { groups[i].ruleIDs.append(id) }
                else { groups.append((text, [id])) }
            }
            for g in groups {
                let hits = famFindings.filter { g.ruleIDs.contains($0.ruleID) }
                let ids = g.ruleIDs.map { "`\($0)`" }.joined(separator: ", ")
                body += "  - [\(hits.isEmpty ? "x" : " ")] \(escape(g.text)) — \(ids)\n"
                // A pull-request comment holds at most 65,536 characters: list a few findings per
                // item and stop listing once the budget is spent; the counts stay exact.
                var listed = 0
                for f in hits {
                    let item = findingItem(f, options: options, indent: "    ")
                    guard listed < maxFindingsPerItem, body.utf8.count + item.utf8.count <= bodyBudget else { break }
                    body += item
                    listed += 1
                }
                if listed < hits.count {
                    body += "    - … and \(Plural.count(hits.count - listed, "more finding")) (see the full report: `leaklint scan --format text`)\n"
                }
            }
        }

        var s = "## leaklint: memory-leak review checklist\n\n"
        let scope = "in \(Plural.count(result.filesScanned, "file")), \(Plural.count(result.linesScanned, "line"))"
        if reported.isEmpty {
            s += "**No leaks found** \(scope)"
        } else {
            let e = reported.filter { $0.severity == .error }.count
            let w = reported.filter { $0.severity == .warning }.count
            let n = reported.filter { $0.severity == .note }.count
            s += "**\(Plural.count(reported.count, "finding")) to review** (\(Plural.count(e, "error")), \(Plural.count(w, "warning")), \(Plural.count(n, "note"))) \(scope)"
        }
        if !families.isEmpty { s += " — \(families.count - open) of \(families.count) checks pass" }
        s += ".\n\n"
        s += body.isEmpty ? "_No rules ran._\n" : body

        if options.includeSuppressed && !suppressed.isEmpty {
            s += "\n### Suppressed (\(suppressed.count))\n\n"
            for f in suppressed {
                s += "- \(link(f.location, options)) \(escape(f.message)) — `\(f.ruleID)`, suppressed (\(f.suppression!.kind)): \(escape(f.suppression!.justification))\n"
            }
        } else if !suppressed.isEmpty {
            s += "\n_\(Plural.count(suppressed.count, "finding")) suppressed with `leaklint:ignore` or the baseline._\n"
        }

        let problems = Reporter.sortedNotifications(result).filter { $0.level != .note }
        if !problems.isEmpty {
            s += "\n### Scan problems (\(problems.count))\n\n"
            for n in problems {
                let place = n.path.map { p in "\(link(Location(path: p, region: Region(startLine: n.line ?? 1, startColumn: 1, endLine: n.line ?? 1, endColumn: 1, byteOffset: 0, byteLength: 0), snippet: ""), options)) " } ?? ""
                s += "- \(n.level.rawValue): \(place)\(escape(n.message)) (`\(n.id)`)\n"
            }
        }
        return Array(s.utf8)
    }

    static func findingItem(_ f: Finding, options: ReportOptions, indent: String) -> String {
        var s = "\(indent)- \(link(f.location, options)) **\(f.severity.rawValue)**: \(escape(f.message))\n"
        if let fix = f.fix {
            s += "\(indent)  Suggested fix (\(fix.applicability.rawValue)): \(escape(fix.description))\n"
            if !fix.snippet.isEmpty {
                s += "\n" + CodeFence.block(fix.snippet, language: CodeFence.language(forPath: f.location.path), indent: indent + "  ")
            }
        }
        return s
    }

    /// [`path:line`](base/path#Lline)
    static func link(_ l: Location, _ options: ReportOptions) -> String {
        var base = options.linkBase ?? ""
        if !base.isEmpty && !base.hasSuffix("/") { base += "/" }
        var path = l.path
        while path.hasPrefix("./") { path.removeFirst(2) }
        let target = base + URIText.encodePath(path) + "#L\(l.region.startLine)"
        let shown = "\(l.path):\(l.region.startLine)".replacingBackticks
        return "[`\(shown)`](\(target))"
    }

    /// Backslash-escapes the markdown characters that would change a message's meaning, keeping
    /// `code spans` (rule messages quote names in backticks) as they are. An unpaired backtick
    /// is escaped too.
    static func escape(_ s: String) -> String {
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let ch = scalars[i]
            if ch == "`", let close = scalars[(i + 1)...].firstIndex(of: "`"), close > i + 1,
               !scalars[(i + 1)..<close].contains(where: { $0 == "\n" || $0 == "\r" }) {
                out.append(contentsOf: scalars[i...close])
                i = close + 1
                continue
            }
            switch ch {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "#": out.append("\\"); out.append(ch)
            case "\n", "\r": out.append(" ")
            default: out.append(ch)
            }
            i += 1
        }
        return String(out)
    }
}

extension String {
    var replacingBackticks: String {
        var out = ""
        for ch in unicodeScalars { out.unicodeScalars.append(ch == "`" ? "'" : ch) }
        return out
    }
}
