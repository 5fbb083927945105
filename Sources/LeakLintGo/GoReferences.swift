import LeakLintCore

// MARK: - Uses of package-level names, for fixes that change a container's type
//
// A fix that replaces `var sessions = make(map[string]*Session)` with an LRU must rewrite every
// use of `sessions` in the package, or the package no longer compiles. This pass classifies each
// use of the given names in one file by its tokens; any use it does not recognise is `other`,
// which tells the engine the rewrite would be incomplete. It errs on the side of `other`: a
// local or parameter with the same name, a struct key, a method name — all block the edit.

extension GoFrontEnd {
    public func references(of names: Set<String>, in file: SourceFile) -> [ContainerUse]? {
        guard !names.isEmpty else { return [] }
        return file.bytes.withUnsafeBufferPointer { buf in
            // A file whose bytes never spell a name has no use of it: no need to tokenize it.
            guard names.contains(where: { n in var n = n; return n.withUTF8 { ByteText.contains(buf, $0) } }) else { return [] }
            let parser = GoParser(buf: buf, lexed: GoTokenizer.lex(buf), path: file.path, scopeKey: scopeKey(forPath: file.path),
                                  interest: CallInterest(methods: []))
            return parser.uses(of: names)
        }
    }
}

extension GoParser {
    /// Classifies every bare (not selected, `x.name`) occurrence of `names`.
    func uses(of names: Set<String>) -> [ContainerUse] {
        var out: [ContainerUse] = []
        var depth = 0       // brace depth: 0 = package level
        var varGroup = -1   // token index of the `(` of a package-level `var (` group, while inside it
        var i = 0
        let n = toks.count
        while i < n {
            let t = toks[i]
            if t.kind == .punct {
                if t.code == 0x7B { depth += 1 } else if t.code == 0x7D { depth = max(0, depth - 1) }
                else if t.code == 0x28 && depth == 0 && isK(i - 1, .var) { varGroup = i }
                else if t.code == 0x29 && varGroup >= 0 && Int(match[varGroup]) == i { varGroup = -1 }
            }
            guard t.kind == .ident, !(i > 0 && isP(i - 1, 0x2E)) else { i += 1; continue }
            let name = text(i)
            guard names.contains(name) else { i += 1; continue }
            out.append(classifyUse(i, name: name, packageLevel: depth == 0, inVarGroup: varGroup >= 0))
            i += 1
        }
        return out
    }

    /// A statement starts right after `i`: a semicolon, a brace, a case colon, or the start of the file.
    private func startsStatement(after i: Int) -> Bool {
        i < 0 || isSemi(i) || isP(i, 0x7B) || isP(i, 0x7D) || isP(i, 0x3A) || isK(i, .if) || isK(i, .switch)
    }

    /// The index of the token that ends the statement or clause starting at `from` (a semicolon,
    /// or the closer of the enclosing group).
    private func statementEnd(from: Int) -> Int {
        var j = from
        while j < toks.count {
            if isSemi(j) || isClose(j) || toks[j].kind == .eof { return j }
            j = skip(j)
        }
        return toks.count - 1
    }

    private func span(_ a: Int, _ b: Int) -> SourceRef {
        SourceRef(path: path, start: Int(toks[a].start), end: Int(toks[b].end))
    }

    private func classifyUse(_ i: Int, name: String, packageLevel: Bool, inVarGroup: Bool) -> ContainerUse {
        let other = ContainerUse(name: name, form: .other, range: span(i, i))
        if packageLevel {
            // An exported name may be used by other packages, which this scope cannot see.
            if let f = name.utf8.first, f >= 0x41 && f <= 0x5A { return other }
            // `var m = init` or, inside `var (`, `m = init`: one name, no declared type.
            let declStart = isK(i - 1, .var) || (inVarGroup && (isSemi(i - 1) || isP(i - 1, 0x28)))
            guard declStart, isP(i + 1, 0x3D) else { return other }
            let end = statementEnd(from: i + 2)
            guard end > i + 2 else { return other }
            return ContainerUse(name: name, form: .declaration, range: span(i + 2, end - 1))
        }
        // `len(m)` / `delete(m, k)`
        if isP(i - 1, 0x28), i >= 2, isIdent(i - 2), !(i >= 3 && isP(i - 3, 0x2E)) {
            let close = Int(match[i - 1])
            if identIs(i - 2, "len") && close == i + 1 {
                return ContainerUse(name: name, form: .len, range: span(i - 2, close))
            }
            if identIs(i - 2, "delete") && isP(i + 1, 0x2C) && close > i + 2 {
                return ContainerUse(name: name, form: .delete, range: span(i - 2, close), key: span(i + 2, close - 1))
            }
            return other
        }
        // Index expressions `m[k]`.
        guard isP(i + 1, 0x5B) else { return other }
        let close = Int(match[i + 1])
        guard close > i + 2, close < toks.count else { return other }
        let key = span(i + 2, close - 1)
        // `m[k] = v` as a whole statement.
        if startsStatement(after: i - 1) && isP(close + 1, 0x3D) {
            let end = statementEnd(from: close + 2)
            guard end > close + 2 else { return other }
            return ContainerUse(name: name, form: .indexSet, range: span(i, end - 1), key: key, value: span(close + 2, end - 1))
        }
        // Reads: `v, ok := m[k]` / `v := m[k]` (or `=`), ending the statement.
        let endsStatement = isSemi(close + 1) || isClose(close + 1)
        let assign = isP(i - 1, punct(":=")) || isP(i - 1, 0x3D)
        guard endsStatement && assign else { return other }
        if i >= 5, isIdent(i - 2), isP(i - 3, 0x2C), isIdent(i - 4), startsStatement(after: i - 5) {
            return ContainerUse(name: name, form: .readOK, range: span(i, close), key: key)
        }
        if i >= 3, isIdent(i - 2), startsStatement(after: i - 3) {
            return ContainerUse(name: name, form: .read, range: span(i, close), key: key, insertAt: Int(toks[i - 2].end))
        }
        return other
    }
}
