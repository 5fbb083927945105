import LeakLintCore
import LeakLintEngine

/// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one run, rule descriptors from
/// the rule files, root-relative percent-encoded URIs under `%SRCROOT%`, full regions in
/// Unicode code points, related locations, `partialFingerprints`, `fixes` only when the edits
/// are complete, notifications as `toolExecutionNotifications`.
public enum SARIFReporter {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
    public static let uriBaseID = "%SRCROOT%"
    public static let fingerprintKey = "leaklintFingerprint/v1"

    public static func render(_ result: ScanResult, options: ReportOptions = ReportOptions()) -> [UInt8] {
        document(result, options: options).serialized()
    }

    public static func document(_ result: ScanResult, options: ReportOptions) -> JSONValue {
        // Rules: sorted by id, one descriptor per id.
        var rules: [Rule] = []
        var seen = Set<String>()
        for r in result.rules.sorted(by: { $0.id < $1.id }) where seen.insert(r.id).inserted { rules.append(r) }
        var ruleIndex: [String: Int] = [:]
        for (i, r) in rules.enumerated() { ruleIndex[r.id] = i }

        var findings = Reporter.visibleFindings(result, includeSuppressed: options.includeSuppressed)
        var notifications = Reporter.sortedNotifications(result)
        let limit = max(0, options.sarifResultLimit)
        if findings.count > limit {
            let dropped = findings.count - limit
            findings.removeLast(dropped)
            notifications.append(ToolNotification(
                level: .warning, id: "results-capped",
                message: "\(Plural.count(dropped, "result")) dropped: GitHub code scanning accepts at most \(limit) results per run; the first \(limit) in path order are included (use --format json for all)"))
        }

        let results = findings.map { Self.result(for: $0, ruleIndex: ruleIndex, withSuppressions: options.includeSuppressed) }
        var seenNotes = Set<JSONValue.Key>()
        var notes: [JSONValue] = []
        for n in notifications {
            let v = notification(n)
            if seenNotes.insert(JSONValue.Key(v)).inserted { notes.append(v) }
        }

        let run = JSONValue.obj([
            ("tool", .obj([("driver", .obj([
                ("name", .string("leaklint")),
                ("version", .string(LeakLintVersion.string)),
                ("semanticVersion", .string(LeakLintVersion.string)),
                ("informationUri", .string(LeakLintVersion.informationURI)),
                ("rules", .array(rules.map(descriptor))),
            ]))])),
            // Only an absolute root can become a file URI; viewers resolve %SRCROOT% themselves otherwise.
            ("originalUriBaseIds", result.root.hasPrefix("/")
                ? .obj([(uriBaseID, .obj([("uri", .string(URIText.fileURI(directory: result.root)))]))]) : nil),
            ("columnKind", .string("unicodeCodePoints")),
            ("results", .array(results)),
            ("invocations", .array([.obj([
                ("executionSuccessful", .bool(!result.hadFileErrors)),
                ("toolExecutionNotifications", .array(notes)),
            ])])),
        ])
        return .obj([
            ("$schema", .string(schemaURI)),
            ("version", .string("2.1.0")),
            ("runs", .array([run])),
        ])
    }

    // MARK: - Rule descriptors

    static func descriptor(_ rule: Rule) -> JSONValue {
        var tags = ["memory-leak", rule.family.rawValue]
        for l in rule.languages where !tags.contains(l.rawValue) { tags.append(l.rawValue) }
        let precisions: Set<String> = ["very-high", "high", "medium", "low"]
        let precision = rule.options["precision"].flatMap { precisions.contains($0) ? $0 : nil } ?? "medium"
        let problemSeverity = rule.severity == .note ? "recommendation" : rule.severity.rawValue
        let markdown = RuleDocs.helpMarkdown(rule)
        return .obj([
            ("id", .string(rule.id)),
            ("name", .string(camelCase(rule.shortName))),
            ("shortDescription", .obj([("text", .string(nonEmpty(rule.summary, rule.id)))])),
            ("fullDescription", .obj([("text", .string(fullDescription(rule)))])),
            ("help", .obj([("text", .string(markdown)), ("markdown", .string(markdown))])),
            ("helpUri", .string(rule.helpURI)),
            ("defaultConfiguration", .obj([("level", .string(rule.severity.rawValue))])),
            ("properties", .obj([
                ("tags", .array(tags.map { .string($0) })),
                ("precision", .string(precision)),
                ("problem.severity", .string(problemSeverity)),
            ])),
        ])
    }

    /// `unbounded-global-map` → `UnboundedGlobalMap`.
    public static func camelCase(_ s: String) -> String {
        var out = ""
        var upper = true
        for ch in s {
            if ch == "-" || ch == "_" || ch == " " || ch == "/" || ch == "." { upper = true; continue }
            out += upper ? ch.uppercased() : String(ch)
            upper = false
        }
        return out
    }

    /// The first prose paragraph of the rule's description (GitHub: at most 1,024 characters).
    static func fullDescription(_ rule: Rule) -> String {
        var paragraph: [String] = []
        var inFence = false
        for raw in Lines.split(rule.description) {
            let line = raw.trimmingSpaces
            if line.hasPrefix("```") || line.hasPrefix("~~~") { inFence.toggle(); if !paragraph.isEmpty { break }; continue }
            if inFence { continue }
            if line.isEmpty || line.hasPrefix("#") { if !paragraph.isEmpty { break }; continue }
            paragraph.append(line)
        }
        var text = paragraph.joined(separator: " ")
        if text.isEmpty { text = nonEmpty(rule.summary, rule.id) }
        return truncate(text, 1024)
    }

    static func truncate(_ s: String, _ max: Int) -> String {
        guard s.count > max else { return s }
        var cut = String(s.prefix(max - 1))
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > max / 2 {
            cut = String(cut[..<space])
        }
        return cut + "…"
    }

    static func nonEmpty(_ s: String, _ fallback: String) -> String { s.isEmpty ? fallback : s }

    // MARK: - Results

    static func result(for f: Finding, ruleIndex: [String: Int], withSuppressions: Bool) -> JSONValue {
        var text = f.message.isEmpty ? f.ruleID : f.message
        if let fix = f.fix {
            // GitHub does not display `fixes`; the suggestion travels in the message.
            text += "\n\nSuggested fix (\(fix.applicability.rawValue)): \(fix.description)"
            if !fix.snippet.isEmpty { text += "\n\n" + fix.snippet }
        }
        var pairs: [(String, JSONValue?)] = [
            ("ruleId", .string(f.ruleID)),
            ("ruleIndex", ruleIndex[f.ruleID].map { .int($0) }),
            ("level", .string(f.severity.rawValue)),
            ("message", .obj([("text", .string(text))])),
            ("locations", .array([location(f.location, withContext: true)])),
            ("partialFingerprints", .obj([(fingerprintKey, .string(f.fingerprint)),
                                          ("primaryLocationLineHash", f.lineHash.map { .string($0) })])),
            ("properties", .obj([("family", .string(f.family.rawValue)), ("symbol", .string(f.symbol))])),
        ]
        if !f.related.isEmpty {
            pairs.append(("relatedLocations", .array(f.related.enumerated().map { i, r in
                location(r.location, withContext: false)
                    .setting("id", .int(i + 1))
                    .setting("message", .obj([("text", .string(r.message.isEmpty ? "related location" : r.message))]))
            })))
        }
        if let fix = f.fix, let fixValue = fixObject(fix) { pairs.append(("fixes", .array([fixValue]))) }
        if withSuppressions {
            if let s = f.suppression {
                let kind = s.kind == "inSource" ? "inSource" : "external"
                pairs.append(("suppressions", .array([.obj([
                    ("kind", .string(kind)), ("status", .string("accepted")),
                    ("justification", .string(s.justification)),
                ])])))
            } else {
                // SARIF 3.27.23: within a run, suppressions are present on all results or on none.
                pairs.append(("suppressions", .array([])))
            }
        }
        if let b = f.baselineState, ["new", "unchanged", "updated", "absent"].contains(b) {
            pairs.append(("baselineState", .string(b)))
        }
        return .obj(pairs)
    }

    static func artifactLocation(_ path: String) -> JSONValue {
        if path.hasPrefix("/") { return .obj([("uri", .string(URIText.fileURI(file: path)))]) }
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return .obj([("uri", .string(URIText.encodePath(p))), ("uriBaseId", .string(uriBaseID))])
    }

    static func location(_ l: Location, withContext: Bool) -> JSONValue {
        let r = l.region
        let startLine = max(1, r.startLine), startColumn = max(1, r.startColumn)
        var endLine = max(startLine, r.endLine)
        var endColumn = max(1, r.endColumn)
        if endLine == startLine && endColumn < startColumn { endLine = startLine; endColumn = startColumn }
        var region: [(String, JSONValue?)] = [
            ("startLine", .int(startLine)), ("startColumn", .int(startColumn)),
            ("endLine", .int(endLine)), ("endColumn", .int(endColumn)),
        ]
        var context: JSONValue? = nil
        if startLine == endLine, !l.snippet.isEmpty {
            var scalars = Array(l.snippet.unicodeScalars)
            if startLine == 1, scalars.first == "\u{FEFF}" { scalars.removeFirst() }   // columns skip the BOM
            let lo = startColumn - 1, hi = endColumn - 1
            if lo < hi, hi <= scalars.count {
                var s = String.UnicodeScalarView()
                s.append(contentsOf: scalars[lo..<hi])
                region.append(("snippet", .obj([("text", .string(String(s)))])))
                let wholeLine = lo == 0 && hi == scalars.count
                if withContext && !wholeLine && scalars.count < 400 {
                    var line = String.UnicodeScalarView()
                    line.append(contentsOf: scalars)
                    context = .obj([("startLine", .int(startLine)), ("snippet", .obj([("text", .string(String(line)))]))])
                }
            }
        }
        return .obj([("physicalLocation", .obj([
            ("artifactLocation", artifactLocation(l.path)),
            ("region", .obj(region)),
            ("contextRegion", context),
        ]))])
    }

    /// A SARIF `fix`, or nil when the fix has no edits or an edit is malformed.
    static func fixObject(_ fix: Fix) -> JSONValue? {
        guard !fix.edits.isEmpty, fix.edits.allSatisfy({ $0.start >= 0 && $0.end >= $0.start && !$0.path.isEmpty }) else {
            return nil
        }
        var byPath: [String: [TextEdit]] = [:]
        for e in fix.edits { byPath[e.path, default: []].append(e) }
        let changes: [JSONValue] = byPath.keys.sorted().map { path in
            let edits = byPath[path]!.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
            return .obj([
                ("artifactLocation", artifactLocation(path)),
                ("replacements", .array(edits.map { e in
                    let deleted: JSONValue
                    if let r = e.region {
                        deleted = .obj([("startLine", .int(r.startLine)), ("startColumn", .int(r.startColumn)),
                                        ("endLine", .int(r.endLine)), ("endColumn", .int(r.endColumn))])
                    } else {
                        deleted = .obj([("byteOffset", .int(e.start)), ("byteLength", .int(e.end - e.start))])
                    }
                    return .obj([("deletedRegion", deleted), ("insertedContent", .obj([("text", .string(e.replacement))]))])
                })),
            ])
        }
        return .obj([
            ("description", .obj([("text", .string(nonEmpty(fix.description, "Suggested fix")))])),
            ("artifactChanges", .array(changes)),
        ])
    }

    // MARK: - Notifications

    static func notification(_ n: ToolNotification) -> JSONValue {
        var pairs: [(String, JSONValue?)] = [
            ("level", .string(n.level.rawValue)),
            ("message", .obj([("text", .string(n.message.isEmpty ? n.id : n.message))])),
            ("descriptor", .obj([("id", .string(n.id))])),
        ]
        if let path = n.path, !path.isEmpty {
            pairs.append(("locations", .array([.obj([("physicalLocation", .obj([
                ("artifactLocation", artifactLocation(path)),
                ("region", n.line.map { .obj([("startLine", .int(max(1, $0)))]) }),
            ]))])])))
        }
        return .obj(pairs)
    }
}

extension JSONValue {
    /// Hashable identity of a value (its serialized bytes), for de-duplication.
    struct Key: Hashable {
        let bytes: [UInt8]
        init(_ v: JSONValue) { bytes = v.serialized() }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s.removeLast() }
        return String(s)
    }
}
