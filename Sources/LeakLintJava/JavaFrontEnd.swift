import LeakLintCore

/// Java front end: a byte-level tokenizer (`JavaTokenizer`) and a light structural pass
/// (`JavaParser`) that report collections, operations on them, calls, spawned threads and
/// tasks, loops and suppressions. It never decides whether something leaks.
public struct JavaFrontEnd: FrontEnd {
    public init() {}
    public var language: Language { .java }
    public var extensions: [String] { ["java"] }

    public func facts(for file: SourceFile, interest: CallInterest) -> FileFacts {
        var facts = FileFacts(path: file.path, language: .java, scopeKey: scopeKey(forPath: file.path))
        if ByteSniff.looksBinary(file.bytes) {
            facts.problems.append("binary content (NUL byte): not analysed")
            return facts
        }
        if file.bytes.count >= Int(UInt32.max) {
            facts.problems.append("file too large to analyse")
            return facts
        }
        return file.bytes.withUnsafeBufferPointer { buf -> FileFacts in
            let lexed = JavaTokenizer.tokenizeOwned(buf)
            facts.problems.append(contentsOf: lexed.problems.prefix(10))
            let parser = JavaParser(buf: buf, tokens: lexed.tokens, path: file.path, interest: interest, facts: facts)
            parser.run()
            var out = parser.facts
            out.suppressions = suppressions(lexed.directiveComments, file: file, buf: buf)
            return out
        }
    }

    /// `leaklint:ignore` directives: a comment after code applies to its own line, a comment on
    /// a line of its own to the next line.
    func suppressions(_ comments: [Range<Int>], file: SourceFile, buf: UnsafeBufferPointer<UInt8>) -> [SuppressionFact] {
        var out: [SuppressionFact] = []
        for r in comments {
            let textStr = file.text(r)
            guard let d = SuppressionDirective.parse(textStr) else { continue }
            let line = file.lineIndex(of: r.lowerBound)
            var codeBefore = false
            var k = r.lowerBound - 1
            let lineStart = file.lineStarts[line]
            while k >= lineStart {
                let b = buf[k]
                if b != 0x20 && b != 0x09 { codeBefore = true; break }
                k -= 1
            }
            let endLine = file.lineIndex(of: max(r.lowerBound, r.upperBound - 1))
            let target = codeBefore ? line : endLine + 1
            out.append(SuppressionFact(rules: d.rules, reason: d.reason,
                                       at: SourceRef(path: file.path, start: r.lowerBound, end: r.upperBound),
                                       targetLine: target))
        }
        return out
    }
}
