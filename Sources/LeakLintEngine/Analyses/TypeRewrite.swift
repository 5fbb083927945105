import LeakLintCore

/// Edits that replace a package-level container with a bounded type (a map with an LRU), from a
/// rule's `rewrite.*` options:
///
/// - `rewrite.declaration`: the new initialiser (`expirable.NewLRU[{key}, {value}](…)`).
/// - `rewrite.index-set`, `rewrite.read-ok`, `rewrite.read`, `rewrite.len`, `rewrite.delete`:
///   the replacement of each use of that form; `{ref}` is the name, `{k}` the key expression and
///   `{v}` the assigned value, copied byte for byte.
/// - `rewrite.read-extra`: inserted after the left-hand name of a `read` (`, _` for a
///   replacement that returns two values).
/// - `rewrite.imports`: space-separated import paths the declaration's file must have; added at
///   the file's `importAnchor` as `import "path"` lines.
///
/// The front end lists every use of the name in every file of the scope (`FrontEnd.references`).
/// The edit is produced only when it is complete: exactly one declaration, every other use of a
/// form the rule can rewrite; one `other` use (ranged over, passed on, shadowed …) and the fix
/// stays display-only.
struct TypeRewrite {
    let options: [String: String]

    init?(rule: Rule) {
        guard rule.options["rewrite.declaration"] != nil else { return nil }
        options = rule.options
    }

    func edits(for decl: ContainerDecl, scope: Scope, captures: [String: String], factory: FindingFactory) -> [TextEdit]? {
        // A package-level map with known key and value types, created empty: entries an
        // initialiser put there would be lost.
        guard decl.storage == .global, decl.symbol.owner == nil, decl.kind == .map,
              decl.keyType != nil, decl.valueType != nil, let initText = decl.initializer,
              initText.hasPrefix("make(map[") || (initText.hasPrefix("map[") && initText.hasSuffix("{}"))
        else { return nil }
        let name = decl.symbol.name
        var uses: [ContainerUse] = []
        for path in scope.files.map(\.path).sorted() {
            guard let src = scope.sources[path], let fe = FrontEnds.forPath(path),
                  let found = fe.references(of: [name], in: src) else { return nil }
            uses += found
        }
        let decls = uses.filter { $0.form == .declaration }
        guard decls.count == 1, let d = decls.first, d.range.path == decl.at.path,
              !uses.contains(where: { $0.form == .other }) else { return nil }
        var edits: [TextEdit] = []
        for u in uses {
            guard let template = options["rewrite.\(u.form.rawValue)"] else { return nil }
            var c = captures
            c["ref"] = name
            if let k = u.key { guard let t = text(k, scope) else { return nil }; c["k"] = t }
            if let v = u.value { guard let t = text(v, scope) else { return nil }; c["v"] = t }
            edits.append(TextEdit(path: u.range.path, start: u.range.start, end: u.range.end,
                                  replacement: Template.render(template, c)))
            if u.form == .read {
                guard let at = u.insertAt, let extra = options["rewrite.read-extra"] else { return nil }
                edits.append(TextEdit(path: u.range.path, start: at, end: at, replacement: extra))
            }
        }
        // Imports the new declaration needs, after the declaring file's package clause.
        let wanted = (options["rewrite.imports"] ?? "").split(separator: " ").map(String.init)
        if let facts = scope.files.first(where: { $0.path == d.range.path }) {
            let missing = wanted.filter { !facts.imports.contains($0) }
            if !missing.isEmpty {
                guard let at = facts.importAnchor else { return nil }
                let nl = factory.newline(in: d.range.path)
                edits.append(TextEdit(path: d.range.path, start: at, end: at,
                                      replacement: missing.map { nl + "import \"\($0)\"" }.joined()))
            }
        }
        return edits.sorted { ($0.path, $0.start, $0.end) < ($1.path, $1.start, $1.end) }
    }

    private func text(_ r: SourceRef, _ scope: Scope) -> String? {
        guard let f = scope.sources[r.path], r.start <= r.end, r.end <= f.bytes.count else { return nil }
        return String(decoding: f.bytes[r.start..<r.end], as: UTF8.self)
    }
}
