#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LeakLintCore

// MARK: - Fixture checker

/// Checks annotated fixtures against what the real pipeline reports, strictly both ways
/// (the `analysistest` discipline).
///
/// A fixture is `fixtures/<lang>/<name>.<ext>` (one file = one scope) or `fixtures/<lang>/<name>/`
/// (every source file below it = one scope). Annotation comments apply to the next line that is
/// not itself an annotation comment line:
///
/// | annotation | meaning | mismatch when |
/// | --- | --- | --- |
/// | `// ruleid: ID[, ID]` | a finding of ID starts on that line | no finding |
/// | `// ok: ID` | no finding of ID there | a finding |
/// | `// todoruleid: ID` | a finding is expected but not produced yet | a finding (promote to `ruleid:`) |
/// | `// todook: ID` | a known false positive | no finding (promote to `ok:`) |
///
/// Any finding on a line that is not annotated `ruleid:` or `todook:` for its rule is a mismatch.
/// Suppressed findings (`leaklint:ignore`) do not count. The rules considered are those of
/// the fixture's language; an annotation naming another id is a mismatch (a typo).
public enum FixtureChecker {
    /// A disagreement between a fixture's annotations and the findings.
    public struct Mismatch: Sendable, CustomStringConvertible, Hashable {
        /// The fixture file (as reached from the path given to `check`).
        public var path: String
        /// 1-based line.
        public var line: Int
        /// What is wrong, e.g. `expected go/unbounded-global-map, not reported`.
        public var description: String

        public init(path: String, line: Int, description: String) {
            self.path = path; self.line = line; self.description = description
        }
    }

    /// Runs the pipeline over one fixture (a file, or a directory = one scope) and compares
    /// its findings with the annotations. Empty = the fixture holds.
    public static func check(fixture path: String, rules: [Rule]) -> [Mismatch] {
        check(fixture: path, rules: rules, extraAnalyses: [:])
    }

    /// Every fixture under `dir` (`<dir>/<lang>/<file>` with a known extension, or
    /// `<dir>/<lang>/<subdirectory>`), sorted. Paths are `dir` + `/` + relative path.
    public static func fixtures(under dir: String) -> [String] {
        guard let langs = Paths.list(dir) else { return [] }
        var out: [String] = []
        for case let lang? in langs where !lang.hasPrefix(".") {
            let langDir = Paths.join(dir, lang)
            guard isDirectory(langDir), let entries = Paths.list(langDir) else { continue }
            for case let name? in entries where !name.hasPrefix(".") {
                let p = Paths.join(langDir, name)
                if isDirectory(p) {
                    if !sourceFiles(in: p).isEmpty { out.append(p) }
                } else if FrontEnds.forPath(name) != nil {
                    out.append(p)
                }
            }
        }
        return out.sorted()
    }

    // MARK: Internals (also used by the tests)

    /// One file of a fixture: the name it is shown under and its bytes.
    struct FixtureFile: Sendable {
        var path: String
        var bytes: [UInt8]
    }

    /// What the pipeline made of a fixture.
    struct Outcome: Sendable {
        var findings: [Finding]
        var notifications: [ToolNotification]
    }

    static func check(fixture path: String, rules: [Rule], extraAnalyses: [String: any Analysis]) -> [Mismatch] {
        let files: [FixtureFile]
        if isDirectory(path) {
            files = sourceFiles(in: path).compactMap { rel in
                (try? Paths.readBytes(Paths.join(path, rel))).map { FixtureFile(path: Paths.join(path, rel), bytes: $0) }
            }
            if files.isEmpty { return [Mismatch(path: path, line: 0, description: "fixture directory holds no source file")] }
        } else {
            guard let bytes = try? Paths.readBytes(path) else {
                return [Mismatch(path: path, line: 0, description: "cannot read fixture")]
            }
            files = [FixtureFile(path: path, bytes: bytes)]
        }
        let goModDir = Paths.absolute(isDirectory(path) ? path : Paths.parent(path),
                                      cwd: FileManager.default.currentDirectoryPath)
        return check(files: files, rules: rules, extraAnalyses: extraAnalyses, goModFrom: goModDir)
    }

    /// Checks in-memory fixture files (one scope). `goModFrom` is where to look for a go.mod.
    static func check(files: [FixtureFile], rules: [Rule], extraAnalyses: [String: any Analysis] = [:],
                      goModFrom: String? = nil) -> [Mismatch] {
        guard let lang = files.lazy.compactMap({ FrontEnds.forPath($0.path)?.language }).first else {
            return files.map { Mismatch(path: $0.path, line: 0, description: "no front end reads this file") }
        }
        let langRules = rules.filter { $0.languages.contains(lang) }
        let known = Set(langRules.map(\.id))
        let outcome = run(files: files, rules: langRules, extraAnalyses: extraAnalyses, goModFrom: goModFrom)
        var mismatches: [Mismatch] = []
        for n in outcome.notifications where n.level == .error {
            mismatches.append(Mismatch(path: n.path ?? files[0].path, line: n.line ?? 0,
                                       description: "\(n.id): \(n.message)"))
        }

        // Unsuppressed findings by (path, line) → rule ids with a sample message.
        struct Key: Hashable { var path: String; var line: Int }
        var found: [Key: [String: String]] = [:]
        for f in outcome.findings where f.suppression == nil {
            found[Key(path: f.location.path, line: f.location.region.startLine), default: [:]][f.ruleID] = f.message
        }

        for file in files {
            let anns = annotations(in: file.bytes)
            var expected: [Key: [Annotation.Kind: Set<String>]] = [:]
            for a in anns {
                if a.ids.isEmpty {
                    mismatches.append(Mismatch(path: file.path, line: a.line, description: "annotation names no rule id"))
                }
                for id in a.ids where !known.contains(id) {
                    mismatches.append(Mismatch(path: file.path, line: a.line,
                                               description: "annotation names unknown \(lang.rawValue) rule '\(id)'"))
                }
                guard let target = a.target else {
                    mismatches.append(Mismatch(path: file.path, line: a.line,
                                               description: "annotation has no code line after it"))
                    continue
                }
                for id in a.ids where known.contains(id) {
                    expected[Key(path: file.path, line: target), default: [:]][a.kind, default: []].insert(id)
                }
            }
            // Contradictions.
            for (k, kinds) in expected {
                let positive = kinds[.ruleid, default: []].union(kinds[.todook, default: []])
                let negative = kinds[.ok, default: []].union(kinds[.todoruleid, default: []])
                for id in positive.intersection(negative).sorted() {
                    mismatches.append(Mismatch(path: file.path, line: k.line,
                                               description: "contradictory annotations for \(id) on this line"))
                }
            }
            // Expectations against findings.
            for (k, kinds) in expected {
                let here = found[k] ?? [:]
                for id in kinds[.ruleid, default: []].sorted() where here[id] == nil {
                    mismatches.append(Mismatch(path: file.path, line: k.line, description: "expected \(id), not reported"))
                }
                for id in kinds[.todoruleid, default: []].sorted() where here[id] != nil {
                    mismatches.append(Mismatch(path: file.path, line: k.line,
                                               description: "todoruleid \(id) is now reported: promote it to ruleid (\(here[id]!))"))
                }
                for id in kinds[.todook, default: []].sorted() where here[id] == nil {
                    mismatches.append(Mismatch(path: file.path, line: k.line,
                                               description: "todook \(id) is no longer reported: promote it to ok"))
                }
            }
            for (k, ids) in found where k.path == file.path {
                let kinds = expected[k] ?? [:]
                for (id, message) in ids.sorted(by: { $0.key < $1.key }) {
                    if kinds[.ruleid]?.contains(id) == true || kinds[.todook]?.contains(id) == true
                        || kinds[.todoruleid]?.contains(id) == true { continue }
                    let why = kinds[.ok]?.contains(id) == true ? "annotated ok: but" : "unexpected finding:"
                    mismatches.append(Mismatch(path: file.path, line: k.line, description: "\(why) \(id) reported: \(message)"))
                }
            }
        }
        // Findings outside the fixture's files (should not happen).
        let paths = Set(files.map(\.path))
        for (k, ids) in found where !paths.contains(k.path) {
            for id in ids.keys.sorted() {
                mismatches.append(Mismatch(path: k.path, line: k.line, description: "finding outside the fixture: \(id)"))
            }
        }
        return mismatches.sorted { ($0.path, $0.line, $0.description) < ($1.path, $1.line, $1.description) }
    }

    /// The real pipeline over in-memory files forming one scope: front ends, `Analyses.run`
    /// (plus `extraAnalyses` for analyses not registered), suppressions.
    static func run(files: [FixtureFile], rules: [Rule], extraAnalyses: [String: any Analysis] = [:],
                    goModFrom: String? = nil) -> Outcome {
        let config = Config()
        let rules = rules.filter { config.isEnabled($0.id) }.map { config.apply(to: $0) }
        let interests = Analyses.callInterests(for: rules)
        var facts: [FileFacts] = []
        var sources: [String: SourceFile] = [:]
        var notes: [ToolNotification] = []
        var outcomes: [FileLoader.Outcome] = []
        for f in files.sorted(by: { $0.path < $1.path }) {
            guard let fe = FrontEnds.forPath(f.path) else { continue }
            outcomes.append(FileLoader.analyse(bytes: f.bytes, relative: f.path, frontEnd: fe,
                                               interest: interests[fe.language] ?? CallInterest(methods: [])))
        }
        // A fixture is one scope (below): names declared in any of its files count.
        FileLoader.rereadSkippedAssignments(&outcomes, interests: interests, jobs: 1,
                                            frontEnd: { FrontEnds.forPath($0) }, scope: { _ in "" })
        for o in outcomes {
            notes += o.notifications
            if let ff = o.facts, let s = o.source {
                facts.append(ff)
                sources[s.path] = s
            }
        }
        guard let first = facts.first else { return Outcome(findings: [], notifications: notes) }
        var props: [String: String] = [:]
        if first.language == .go, let dir = goModFrom {
            props = GoModule.properties(from: dir, root: dir)
        }
        // A fixture is one scope whatever keys the front end gives its files.
        let scope = Scope(key: first.scopeKey, language: first.language, files: facts, sources: sources, properties: props)
        let findings = ScopeBuilder.analyse(scope, rules: rules, extra: extraAnalyses)
        let applied = Suppressions.apply(
            findings: findings,
            files: facts.map { Suppressions.Input(path: $0.path, language: $0.language, suppressions: $0.suppressions) },
            sources: sources, knownRules: rules, enabled: Set(rules.map(\.id)))
        return Outcome(findings: Scanner.sortAndDedupe(applied.findings), notifications: notes + applied.notifications)
    }

    // MARK: Annotations

    struct Annotation: Sendable, Hashable {
        enum Kind: String, Sendable, Hashable, CaseIterable { case ruleid, ok, todoruleid, todook }
        var kind: Kind
        var ids: [String]
        /// 1-based line of the comment.
        var line: Int
        /// 1-based line it applies to; nil when no code line follows.
        var target: Int?
    }

    /// The annotations of a file. A line is an annotation line when, after leading blanks, it is
    /// `//` + optional blanks + `ruleid:` / `ok:` / `todoruleid:` / `todook:` + ids.
    static func annotations(in bytes: [UInt8]) -> [Annotation] {
        let file = SourceFile(path: "", bytes: bytes)
        var found: [Annotation] = []
        var pending: [Int] = []
        for li in 0..<file.lineCount {
            let start = file.lineStarts[li]
            let end = li + 1 < file.lineCount ? file.lineStarts[li + 1] : bytes.count
            if let (kind, ids) = parseAnnotation(bytes, start, end) {
                found.append(Annotation(kind: kind, ids: ids, line: li + 1, target: nil))
                pending.append(found.count - 1)
            } else {
                for i in pending { found[i].target = li + 1 }
                pending = []
            }
        }
        return found
    }

    static func parseAnnotation(_ b: [UInt8], _ start: Int, _ end: Int) -> (Annotation.Kind, [String])? {
        var i = start
        // A BOM on the first line is not text.
        if i == 0 && end >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
        func blank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
        while i < end && blank(b[i]) { i += 1 }
        guard i + 1 < end, b[i] == UInt8(ascii: "/"), b[i + 1] == UInt8(ascii: "/") else { return nil }
        i += 2
        while i < end && blank(b[i]) { i += 1 }
        var word: [UInt8] = []
        while i < end, b[i] != UInt8(ascii: ":"), !blank(b[i]), b[i] != 0x0A, b[i] != 0x0D {
            word.append(b[i]); i += 1
        }
        guard i < end, b[i] == UInt8(ascii: ":"),
              let kind = Annotation.Kind(rawValue: String(decoding: word, as: UTF8.self)) else { return nil }
        i += 1
        var lineEnd = end
        while lineEnd > i && (b[lineEnd - 1] == 0x0A || b[lineEnd - 1] == 0x0D) { lineEnd -= 1 }
        let rest = String(decoding: b[i..<lineEnd], as: UTF8.self)
        let ids = rest.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init)
        return (kind, ids)
    }

    // MARK: Files

    static func isDirectory(_ p: String) -> Bool {
        var st = stat()
        return stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Source files (relative paths, sorted) anywhere below `dir`.
    static func sourceFiles(in dir: String) -> [String] {
        var out: [String] = []
        var stack: [String] = [""]
        var depth = 0
        while let rel = stack.popLast(), depth < 10_000 {
            depth += 1
            let abs = rel.isEmpty ? dir : Paths.join(dir, rel)
            guard let names = Paths.list(abs) else { continue }
            for case let name? in names where !name.hasPrefix(".") {
                let childRel = rel.isEmpty ? name : rel + "/" + name
                let child = Paths.join(dir, childRel)
                var lst = stat()
                guard lstat(child, &lst) == 0 else { continue }
                let kind = lst.st_mode & S_IFMT
                if kind == S_IFDIR { stack.append(childRel) }
                else if kind == S_IFREG, FrontEnds.forPath(name) != nil { out.append(childRel) }
            }
        }
        return out.sorted()
    }
}
