import LeakLintCore
import LeakLintEngine

/// The documented JSON format (`--format json`), version 1. Keys sorted, two-space indent,
/// byte-identical run to run.
///
/// ```
/// { "version": 1,
///   "tool": { "name": "leaklint", "version": "0.1.0", "informationUri": "…" },
///   "root": "/abs/scan/root",
///   "findings": [ { "ruleId", "family", "severity", "message", "path", "line", "column",
///                   "endLine", "endColumn", "symbol", "fingerprint",
///                   "snippet",
///                   "related": [ { "path", "line", "column", "endLine", "endColumn", "message" } ],
///                   "fix": { "description", "applicability", "snippet",
///                            "edits": [ { "path", "startOffset", "endOffset", "replacement",
///                                         "line"?, "column"?, "endLine"?, "endColumn"? } ] }?,
///                   "suppressed": { "kind", "justification" }?,
///                   "baselineState": "new" | "unchanged"? } ],
///   "notifications": [ { "level", "id", "message", "path"?, "line"? } ],
///   "stats": { "files", "lines", "findings", "suppressed", "errors", "warnings", "notes" } }
/// ```
/// Paths are relative to `root`; lines and columns are 1-based, columns in Unicode code points,
/// `endColumn` exclusive. Suppressed findings appear only with `--include-suppressed`.
public enum JSONReporter {
    public static let formatVersion = 1

    public static func render(_ result: ScanResult, options: ReportOptions = ReportOptions()) -> [UInt8] {
        document(result, options: options).serialized()
    }

    public static func document(_ result: ScanResult, options: ReportOptions) -> JSONValue {
        let findings = Reporter.visibleFindings(result, includeSuppressed: options.includeSuppressed)
        let reported = result.reported
        return .obj([
            ("version", .int(formatVersion)),
            ("tool", .obj([("name", .string("leaklint")), ("version", .string(LeakLintVersion.string)),
                           ("informationUri", .string(LeakLintVersion.informationURI))])),
            ("root", .string(result.root)),
            ("findings", .array(findings.map(finding))),
            ("notifications", .array(Reporter.sortedNotifications(result).map(notification))),
            ("stats", .obj([
                ("files", .int(result.filesScanned)),
                ("lines", .int(result.linesScanned)),
                ("findings", .int(reported.count)),
                ("suppressed", .int(result.findings.count - reported.count)),
                ("errors", .int(reported.filter { $0.severity == .error }.count)),
                ("warnings", .int(reported.filter { $0.severity == .warning }.count)),
                ("notes", .int(reported.filter { $0.severity == .note }.count)),
            ])),
        ])
    }

    static func finding(_ f: Finding) -> JSONValue {
        var pairs: [(String, JSONValue?)] = [
            ("ruleId", .string(f.ruleID)),
            ("family", .string(f.family.rawValue)),
            ("severity", .string(f.severity.rawValue)),
            ("message", .string(f.message)),
            ("symbol", .string(f.symbol)),
            ("fingerprint", .string(f.fingerprint)),
            ("snippet", .string(f.location.snippet)),
            ("related", .array(f.related.map { r in
                .obj(position(r.location) + [("message", .string(r.message))])
            })),
        ]
        pairs += position(f.location)
        if let fix = f.fix {
            pairs.append(("fix", .obj([
                ("description", .string(fix.description)),
                ("applicability", .string(fix.applicability.rawValue)),
                ("snippet", .string(fix.snippet)),
                ("edits", .array(fix.edits.map(edit))),
            ])))
        }
        if let s = f.suppression {
            pairs.append(("suppressed", .obj([("kind", .string(s.kind)), ("justification", .string(s.justification))])))
        }
        if let b = f.baselineState { pairs.append(("baselineState", .string(b))) }
        return .obj(pairs)
    }

    static func position(_ l: Location) -> [(String, JSONValue?)] {
        [("path", .string(l.path)), ("line", .int(l.region.startLine)), ("column", .int(l.region.startColumn)),
         ("endLine", .int(l.region.endLine)), ("endColumn", .int(l.region.endColumn))]
    }

    static func edit(_ e: TextEdit) -> JSONValue {
        var pairs: [(String, JSONValue?)] = [
            ("path", .string(e.path)), ("startOffset", .int(e.start)), ("endOffset", .int(e.end)),
            ("replacement", .string(e.replacement)),
        ]
        if let r = e.region {
            pairs += [("line", .int(r.startLine)), ("column", .int(r.startColumn)),
                      ("endLine", .int(r.endLine)), ("endColumn", .int(r.endColumn))]
        }
        return .obj(pairs)
    }

    static func notification(_ n: ToolNotification) -> JSONValue {
        .obj([("level", .string(n.level.rawValue)), ("id", .string(n.id)), ("message", .string(n.message)),
              ("path", n.path.map { .string($0) }), ("line", n.line.map { .int($0) })])
    }
}
