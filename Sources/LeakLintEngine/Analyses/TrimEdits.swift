import LeakLintCore

/// `container-growth`'s complete fix for `;`-terminated languages (C++, Java): after each
/// statement that appends to the container, a statement that drops the oldest elements past a
/// cap, rendered from the rule option `trim-edit` with the captures `{recv}` (the receiver as
/// written, `g_samples`, `this->samples_`, `Registry::log_`) and `{op}` (`.` or `->`).
///
/// Options:
/// - `trim-edit`: the statement template, e.g.
///   `if ({recv}{op}size() > 10000) {recv}{op}erase({recv}{op}begin(), {recv}{op}end() - 10000);`
/// - `trim-edit-types`: comma-separated globs over the declared type: only containers whose
///   API the template is written for (`std::vector<*`, `std::deque<*`) get the edit.
/// - `trim-edit-calls`: comma-separated grow calls the edit may follow (`push_back,emplace_back`).
///
/// The edit is made only where it is always well-formed: the growing call is a whole
/// expression statement `recv.call(…);` that starts right after `;`, `{`, `}` or a label's `:`
/// (so never the lone body of an `if`/`else`/loop, where a second statement would change the
/// control flow), and the receiver is names joined by `.`, `->`, `::` (no call, index or other
/// side effect that repeating it could duplicate). Anything else keeps the display-only snippet.
extension ContainerGrowthAnalysis {
    func trimEdits(_ decl: ContainerDecl, _ growth: [ContainerOp], scope: Scope, rule: Rule,
                   factory: FindingFactory) -> [TextEdit] {
        guard let template = rule.options["trim-edit"] else { return [] }
        let types = (rule.options["trim-edit-types"] ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: " ") }
        guard WordList(types).matches(decl.typeText) else { return [] }
        let calls = Set((rule.options["trim-edit-calls"] ?? "").split(separator: ",").map { "call:" + String($0).trimmingCharacters(in: " ") })
        var out: [TextEdit] = []
        var seen: Set<Int> = []
        for op in growth where calls.contains(op.op) {
            guard let file = scope.sources[op.at.path],
                  let site = Self.statementSite(file.bytes, callStart: op.at.start, callEnd: op.at.end),
                  seen.insert(site.insertAt).inserted else { continue }
            let indent = factory.indentation(at: site.statementStart, in: op.at.path)
            let text = Template.render(template, ["recv": site.receiver, "op": site.accessor])
            out.append(TextEdit(path: op.at.path, start: site.insertAt, end: site.insertAt,
                                replacement: factory.newline(in: op.at.path) + indent + text))
        }
        return out.sorted { $0.start < $1.start }
    }

    struct StatementSite: Equatable {
        var receiver: String
        var accessor: String
        var statementStart: Int
        /// Just past the statement's `;`.
        var insertAt: Int
    }

    /// The expression statement `recv.name(…);` around the method name at `callStart..<callEnd`,
    /// or nil when the call is not such a statement (see the type's documentation).
    static func statementSite(_ b: [UInt8], callStart: Int, callEnd: Int) -> StatementSite? {
        guard callStart > 0, callEnd <= b.count, callStart < callEnd else { return nil }
        func isWord(_ c: UInt8) -> Bool {
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95
        }
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        // Accessor before the method name.
        var k = callStart - 1
        while k >= 0 && (b[k] == 0x20 || b[k] == 0x09) { k -= 1 }
        let accessor: String
        if k >= 0 && b[k] == UInt8(ascii: ".") { accessor = "."; k -= 1 }
        else if k >= 1 && b[k] == UInt8(ascii: ">") && b[k - 1] == UInt8(ascii: "-") { accessor = "->"; k -= 2 }
        else { return nil }
        let recvEnd = k + 1
        // Receiver: words joined by `.`, `->`, `::`.
        var start = recvEnd
        var j = k
        while j >= 0 {
            if isWord(b[j]) { start = j; j -= 1; continue }
            if b[j] == UInt8(ascii: ".") && j > 0 && isWord(b[j - 1]) { j -= 1; continue }
            if j >= 1 && b[j] == UInt8(ascii: ">") && b[j - 1] == UInt8(ascii: "-") && j > 1 && isWord(b[j - 2]) { j -= 2; continue }
            if j >= 1 && b[j] == UInt8(ascii: ":") && b[j - 1] == UInt8(ascii: ":") && j > 1 && isWord(b[j - 2]) { j -= 2; continue }
            break
        }
        guard start < recvEnd, !(b[start] >= 48 && b[start] <= 57) else { return nil }
        let receiver = String(decoding: b[start..<recvEnd], as: UTF8.self)
        guard !receiver.contains(" ") else { return nil }
        // What comes before the statement: `;`, `{`, `}` or a label's `:` (whitespace and whole
        // `//` comment lines skipped).
        var p = start - 1
        while true {
            while p >= 0 && isSpace(b[p]) { p -= 1 }
            guard p >= 0 else { return nil }
            // A `//` comment on this line: skip to before it when the line holds nothing else.
            var ls = p
            while ls > 0 && b[ls - 1] != 0x0A && b[ls - 1] != 0x0D { ls -= 1 }
            var q = ls
            while q < p && (b[q] == 0x20 || b[q] == 0x09) { q += 1 }
            if q + 1 <= p && b[q] == UInt8(ascii: "/") && b[q + 1] == UInt8(ascii: "/") { p = ls - 1; continue }
            break
        }
        let before = b[p]
        let isLabelColon = before == UInt8(ascii: ":") && !(p > 0 && b[p - 1] == UInt8(ascii: ":"))
        guard before == UInt8(ascii: ";") || before == UInt8(ascii: "{") || before == UInt8(ascii: "}") || isLabelColon else { return nil }
        // After the method name: `(…)` then `;`.
        var a = callEnd
        while a < b.count && isSpace(b[a]) { a += 1 }
        guard a < b.count, b[a] == UInt8(ascii: "(") else { return nil }
        guard let close = matchParen(b, a) else { return nil }
        var e = close + 1
        while e < b.count && (b[e] == 0x20 || b[e] == 0x09) { e += 1 }
        guard e < b.count, b[e] == UInt8(ascii: ";") else { return nil }
        return StatementSite(receiver: receiver, accessor: accessor, statementStart: start, insertAt: e + 1)
    }

    /// The `)` closing the `(` at `open`, skipping string and character literals and comments;
    /// nil when unbalanced or when a raw string makes the text uncertain.
    static func matchParen(_ b: [UInt8], _ open: Int) -> Int? {
        var depth = 0
        var i = open
        while i < b.count {
            let c = b[i]
            switch c {
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return i }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if c == UInt8(ascii: "\"") && i > 0 && b[i - 1] == UInt8(ascii: "R") { return nil }
                // `'` between digits is a digit separator (10'000), not a literal.
                if c == UInt8(ascii: "'") && i > 0 && b[i - 1] >= 48 && b[i - 1] <= 57 { break }
                var k = i + 1
                while k < b.count && b[k] != c && b[k] != 0x0A {
                    if b[k] == UInt8(ascii: "\\") { k += 1 }
                    k += 1
                }
                guard k < b.count, b[k] == c else { return nil }
                i = k
            case UInt8(ascii: "/"):
                if i + 1 < b.count && b[i + 1] == UInt8(ascii: "/") {
                    while i < b.count && b[i] != 0x0A { i += 1 }
                } else if i + 1 < b.count && b[i + 1] == UInt8(ascii: "*") {
                    var k = i + 2
                    while k + 1 < b.count && !(b[k] == UInt8(ascii: "*") && b[k + 1] == UInt8(ascii: "/")) { k += 1 }
                    i = k + 1
                }
            case UInt8(ascii: ";"), UInt8(ascii: "{"), UInt8(ascii: "}"):
                // Statements inside the arguments (a lambda): still balanced, keep going.
                break
            default: break
            }
            i += 1
        }
        return nil
    }
}
