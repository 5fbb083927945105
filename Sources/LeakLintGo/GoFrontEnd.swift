import LeakLintCore

/// The Go front end: a byte-level tokenizer and a light structural pass. Scope = the file's
/// directory (a Go package), so facts from every `.go` file of a package are analysed together.
public struct GoFrontEnd: FrontEnd {
    public init() {}
    public var language: Language { .go }
    public var extensions: [String] { ["go"] }

    public func facts(for file: SourceFile, interest: CallInterest) -> FileFacts {
        file.bytes.withUnsafeBufferPointer { buf in
            let lexed = GoTokenizer.lex(buf)
            let parser = GoParser(buf: buf, lexed: lexed, path: file.path,
                                  scopeKey: scopeKey(forPath: file.path), interest: interest)
            var facts = parser.run()
            facts.suppressions = GoFrontEnd.suppressions(buf, lexed.comments, file: file)
            return facts
        }
    }

    /// `// leaklint:ignore …` comments: a trailing comment applies to its own line, a comment
    /// alone on its line to the next line.
    static func suppressions(_ buf: UnsafeBufferPointer<UInt8>, _ comments: [GoComment], file: SourceFile) -> [SuppressionFact] {
        var out: [SuppressionFact] = []
        for c in comments {
            let r = Int(c.start)..<Int(c.end)
            guard SuppressionDirective.mentions(buf, r) else { continue }
            let text = String(decoding: UnsafeBufferPointer(rebasing: buf[r]), as: UTF8.self)
            guard let d = SuppressionDirective.parse(text) else { continue }
            let line = file.lineIndex(of: r.lowerBound)
            let endLine = file.lineIndex(of: max(r.lowerBound, r.upperBound - 1))
            out.append(SuppressionFact(rules: d.rules, reason: d.reason,
                                       at: SourceRef(path: file.path, start: r.lowerBound, end: r.upperBound),
                                       targetLine: c.trailing ? line : endLine + 1))
        }
        return out
    }
}
