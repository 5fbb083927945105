import Foundation
import LeakLintCore
import Yams

// MARK: - Rule catalog

/// The rules leaklint ships (`Rules/<lang>/<name>.yaml`, embedded into the binary by
/// `scripts/embed_rules.py`) and the strict parser every rule file goes through.
///
/// A rule file holds exactly these keys (anything else is an error naming the file and line):
///
/// ```yaml
/// id: go/unbounded-global-map          # must equal the file's path under Rules/ without .yaml
/// summary: One line.
/// severity: warning                    # error | warning | note
/// family: unbounded-map                # unbounded-map | append-only | listener | uncancelled-task
/// languages: [go]                      # must include the rule's directory (go/…)
/// analysis: container-growth           # the engine analysis that runs the rule
/// message: "{name} grows without bound"
/// description: |                       # markdown with the four sections below
///   ## Why is this a leak?
///   ## Example
///   ## Use instead
///   ## Fix safety
/// fix:                                 # optional
///   applicability: unsafe              # safe | unsafe | display-only
///   description: Replace {name} with an LRU
///   template: "…"
/// checklist: Is every global map bounded or evicted?
/// vocabulary:                          # optional: key → list of words
///   grow-calls: [index-set, append]
/// options:                             # optional: key → single value
///   role-of-growth: normal
/// ```
public enum RuleCatalog {
    /// The headings every rule description must contain, in this order.
    public static let requiredSections = [
        "## Why is this a leak?", "## Example", "## Use instead", "## Fix safety",
    ]

    /// The built-in rules, sorted by id: `Rules/` compiled into Swift values by
    /// `scripts/embed_rules.py` (no YAML is parsed at run time; `RuleCatalogTests` checks the
    /// values equal what `parse` makes of the files). Throws `ScanError` when two files share
    /// an id (a broken build, caught by tests). Built once per process.
    public static func builtin() throws -> [Rule] {
        try builtinRules.get()
    }

    private static let builtinRules: Result<[Rule], any Error> = Result {
        try checked(zip(EmbeddedRules.paths, EmbeddedRules.rules()).map { ($0, $1) })
    }

    /// Rules (with the file each came from) sorted by id; an id defined twice is an error.
    static func checked(_ rules: [(path: String, rule: Rule)]) throws -> [Rule] {
        var seen: [String: String] = [:]
        for (path, r) in rules {
            if let other = seen[r.id] {
                throw ScanError("\(path): rule id '\(r.id)' is also defined by \(other)")
            }
            seen[r.id] = path
        }
        return rules.map(\.rule).sorted { $0.id < $1.id }
    }

    /// Rules from every `*.yaml` below `directory` (user rule packs, `leaklint test`), sorted by id.
    /// Paths are taken relative to `directory`, so `directory` is the `Rules/` folder itself.
    public static func load(directory: String) throws -> [Rule] {
        let base = URL(fileURLWithPath: directory).standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: base) else {
            throw ScanError("no such file or directory: \(directory)")
        }
        var files: [(String, String)] = []
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(".yaml") else { continue }
            let full = base + "/" + rel
            guard let data = FileManager.default.contents(atPath: full) else { continue }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ScanError("\(full): rule file is not valid UTF-8")
            }
            files.append((rel, text))
        }
        files.sort { $0.0 < $1.0 }
        return try parseAll(files)
    }

    static func parseAll(_ files: [(path: String, yaml: String)]) throws -> [Rule] {
        // Parsed in parallel; errors in file order.
        let parsed = Parallel.map(files.count, workers: 2) { i in
            Result { try parse(yaml: files[i].yaml, path: files[i].path) }
        }
        return try checked(zip(files, parsed).map { f, result in (f.path, try result.get()) })
    }

    /// The rule id a rule file's path implies: `go/unbounded-global-map.yaml` (or
    /// `…/Rules/go/unbounded-global-map.yaml`) gives `go/unbounded-global-map`.
    public static func id(forPath path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if parts.count > 2 { parts = Array(parts.suffix(2)) }
        var joined = parts.joined(separator: "/")
        for ext in [".yaml", ".yml"] where joined.hasSuffix(ext) {
            joined.removeLast(ext.count)
        }
        return joined
    }

    static let ruleKeys = [
        "id", "summary", "severity", "family", "languages", "analysis", "message", "description",
        "fix", "checklist", "vocabulary", "options",
    ]
    static let fixKeys = ["applicability", "description", "template"]

    /// Parses one rule file strictly. `path` is the file's path under `Rules/` (or any path
    /// ending in `<lang>/<name>.yaml`); it gives the id and prefixes every error message.
    public static func parse(yaml: String, path: String) throws -> Rule {
        let doc = try StrictYAML(yaml: yaml, file: path)
        guard let root = doc.root else { throw ScanError("\(path): empty rule file") }
        let top = try doc.mapping(root, what: "a rule file", allowed: ruleKeys)

        let expected = id(forPath: path)
        let id = try doc.requiredString(top, "id", in: root)
        if id != expected {
            throw ScanError("\(doc.at(top["id"]!.key)): id '\(id)' must equal the file's path without extension: '\(expected)'")
        }
        let summary = try doc.requiredString(top, "summary", in: root)
        if summary.contains("\n") {
            throw ScanError("\(doc.at(top["summary"]!.value)): summary must be one line")
        }
        let severity: Severity = try doc.requiredEnum(top, "severity", in: root)
        let family: Family = try doc.requiredEnum(top, "family", in: root)

        guard let langEntry = top["languages"] else {
            throw ScanError("\(doc.at(root)): missing required key 'languages'")
        }
        var languages: [Language] = []
        for item in try doc.sequence(langEntry.value, what: "languages") {
            let word = try doc.scalar(item, what: "a language")
            guard let l = Language(rawValue: word) else {
                throw ScanError("\(doc.at(item)): unknown language '\(word)' (allowed: \(Language.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if !languages.contains(l) { languages.append(l) }
        }
        if languages.isEmpty { throw ScanError("\(doc.at(langEntry.value)): languages must name at least one language") }
        let dir = expected.split(separator: "/").first.map(String.init) ?? ""
        if let l = Language(rawValue: dir), !languages.contains(l) {
            throw ScanError("\(doc.at(langEntry.value)): a rule under \(dir)/ must list '\(dir)' in languages")
        } else if Language(rawValue: dir) == nil {
            throw ScanError("\(path): rule files live in Rules/<language>/ (one of \(Language.allCases.map(\.rawValue).joined(separator: ", "))), not '\(dir)/'")
        }

        let analysis = try doc.requiredString(top, "analysis", in: root)
        let message = try doc.requiredString(top, "message", in: root)
        let description = try doc.requiredString(top, "description", in: root)
        let missing = missingSections(in: description)
        if !missing.isEmpty {
            throw ScanError("\(doc.at(top["description"]!.value)): description lacks the section(s) \(missing.map { "'\($0)'" }.joined(separator: ", ")) (required: \(requiredSections.joined(separator: ", ")))")
        }
        let checklist = try doc.requiredString(top, "checklist", in: root)

        var fix: RuleFix? = nil
        if let f = top["fix"] {
            let m = try doc.mapping(f.value, what: "fix", allowed: fixKeys)
            guard let a = m["applicability"] else { throw ScanError("\(doc.at(f.value)): missing required key 'applicability'") }
            let applicability: FixApplicability = try doc.enumValue(a.value, what: "'applicability'",
                                                                    cases: [.safe, .unsafe, .displayOnly])
            fix = RuleFix(applicability: applicability,
                          description: try doc.requiredString(m, "description", in: f.value),
                          template: try doc.requiredString(m, "template", in: f.value))
        }

        var vocabulary: [String: [String]] = [:]
        if let v = top["vocabulary"] {
            vocabulary = try doc.wordLists(v.value, what: "vocabulary")
        }
        var options: [String: String] = [:]
        if let o = top["options"] {
            for (k, entry) in try doc.mapping(o.value, what: "options", allowed: nil) {
                options[k] = try doc.scalar(entry.value, what: "the value of option '\(k)'")
            }
        }

        return Rule(id: id, summary: summary, severity: severity, family: family, languages: languages,
                    analysis: analysis, message: message, description: description, fix: fix,
                    checklist: checklist, vocabulary: vocabulary, options: options)
    }

    /// The required description headings absent from `markdown` (each must start a line).
    public static func missingSections(in markdown: String) -> [String] {
        // On UTF-8 bytes: splitting by Character (grapheme clusters) cost more than parsing the YAML.
        var lines: Set<String> = []
        for raw in markdown.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            var line = raw
            while let l = line.last, l == 0x20 || l == 0x09 || l == 0x0D { line = line.dropLast() }
            if line.first == UInt8(ascii: "#") { lines.insert(String(decoding: line, as: UTF8.self)) }
        }
        return requiredSections.filter { !lines.contains($0) }
    }
}

// MARK: - Errors

/// The scan could not run: no such path, a bad config, a bad rule file. The CLI exits with 2.
public struct ScanError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

// MARK: - Strict YAML access

/// A parsed YAML document with helpers that reject anything unexpected, naming the file and line.
struct StrictYAML {
    let file: String
    let root: Node?

    /// Built once; only read while composing (every scalar stays text, see below).
    nonisolated(unsafe) static let constructor = Constructor.default

    init(yaml: String, file: String) throws {
        self.file = file
        do {
            // Every scalar is read as text here (`bool`, `scalar`), so no tag resolution: the
            // default resolver matches each scalar against regular expressions, which was a
            // third of loading the built-in rules on every run.
            // The encoding and constructor are passed, not defaulted: `Encoding.default` reads the
            // whole process environment and `Constructor.default` builds its tables on every call.
            root = try Yams.compose(yaml: yaml, .basic, StrictYAML.constructor, .utf8)
        } catch let e as YamlError {
            throw ScanError("\(file): invalid YAML: \(StrictYAML.describe(e))")
        } catch {
            throw ScanError("\(file): invalid YAML: \(error)")
        }
    }

    /// `file:line` for a node.
    func at(_ node: Node) -> String {
        if let m = node.mark { return "\(file):\(m.line)" }
        return file
    }

    static func describe(_ e: YamlError) -> String {
        switch e {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        case let .duplicatedKeysInMapping(duplicates, context):
            return "line \(context.mark.line): duplicate key \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")) in one mapping"
        default:
            return e.description.split(separator: "\n").first.map(String.init) ?? "\(e)"
        }
    }

    /// A mapping's entries by key, in document order. `allowed` nil accepts any key.
    func mapping(_ node: Node, what: String, allowed: [String]?) throws -> OrderedEntries {
        guard case let .mapping(m) = node else {
            throw ScanError("\(at(node)): \(what) must be a mapping of key: value, found \(kind(node))")
        }
        var out = OrderedEntries()
        for (k, v) in m {
            guard case let .scalar(ks) = k else {
                throw ScanError("\(at(k)): keys of \(what) must be plain words, found \(kind(k))")
            }
            let key = ks.string
            if let allowed, !allowed.contains(key) {
                throw ScanError("\(at(k)): unknown key '\(key)' in \(what) (allowed: \(allowed.joined(separator: ", ")))")
            }
            if out[key] != nil {
                throw ScanError("\(at(k)): duplicate key '\(key)' in \(what)")
            }
            out.append(key: key, keyNode: k, value: v)
        }
        return out
    }

    func sequence(_ node: Node, what: String) throws -> [Node] {
        guard case let .sequence(s) = node else {
            throw ScanError("\(at(node)): \(what) must be a list, found \(kind(node))")
        }
        return Array(s)
    }

    /// A scalar's text. Null (`~`, empty) is rejected.
    func scalar(_ node: Node, what: String) throws -> String {
        guard case let .scalar(s) = node else {
            throw ScanError("\(at(node)): \(what) must be a single value, found \(kind(node))")
        }
        if s.style == .plain && (s.string.isEmpty || s.string == "~" || s.string == "null" || s.string == "Null" || s.string == "NULL") {
            throw ScanError("\(at(node)): \(what) must not be empty")
        }
        return s.string
    }

    func requiredString(_ m: OrderedEntries, _ key: String, in parent: Node) throws -> String {
        guard let e = m[key] else { throw ScanError("\(at(parent)): missing required key '\(key)'") }
        let s = try scalar(e.value, what: "'\(key)'")
        if s.allSatisfy({ $0 == " " || $0 == "\n" || $0 == "\t" }) {
            throw ScanError("\(at(e.value)): '\(key)' must not be empty")
        }
        return s
    }

    func requiredEnum<E: RawRepresentable & CaseIterable>(_ m: OrderedEntries, _ key: String, in parent: Node) throws -> E
    where E.RawValue == String {
        guard let e = m[key] else { throw ScanError("\(at(parent)): missing required key '\(key)'") }
        return try enumValue(e.value, what: "'\(key)'")
    }

    func enumValue<E: RawRepresentable & CaseIterable>(_ node: Node, what: String) throws -> E where E.RawValue == String {
        try enumValue(node, what: what, cases: Array(E.allCases))
    }

    func enumValue<E: RawRepresentable>(_ node: Node, what: String, cases: [E]) throws -> E where E.RawValue == String {
        let s = try scalar(node, what: what)
        guard let v = E(rawValue: s) else {
            throw ScanError("\(at(node)): \(what) is '\(s)' (allowed: \(cases.map(\.rawValue).joined(separator: ", ")))")
        }
        return v
    }

    func bool(_ node: Node, what: String) throws -> Bool {
        let s = try scalar(node, what: what)
        switch s {
        case "true", "True", "TRUE", "yes", "on": return true
        case "false", "False", "FALSE", "no", "off": return false
        default: throw ScanError("\(at(node)): \(what) must be true or false, found '\(s)'")
        }
    }

    /// A list of single values.
    func words(_ node: Node, what: String) throws -> [String] {
        try sequence(node, what: what).map { try scalar($0, what: "an entry of \(what)") }
    }

    /// `key: [words]` for every key.
    func wordLists(_ node: Node, what: String, allowed: [String]? = nil) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for (k, e) in try mapping(node, what: what, allowed: allowed) {
            out[k] = try words(e.value, what: "\(what) '\(k)'")
        }
        return out
    }

    func kind(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return "'\(s.string.prefix(40))'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

/// Mapping entries in document order with lookup by key.
struct OrderedEntries: Sequence {
    struct Entry { var key: Node; var value: Node }
    private(set) var order: [(String, Entry)] = []
    private var index: [String: Int] = [:]

    mutating func append(key: String, keyNode: Node, value: Node) {
        index[key] = order.count
        order.append((key, Entry(key: keyNode, value: value)))
    }
    subscript(key: String) -> Entry? { index[key].map { order[$0].1 } }
    func makeIterator() -> IndexingIterator<[(String, Entry)]> { order.makeIterator() }
}
