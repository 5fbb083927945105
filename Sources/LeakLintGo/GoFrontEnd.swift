import LeakLintCore

/// Go front end (placeholder until the tokenizer lands).
public struct GoFrontEnd: FrontEnd {
    public init() {}
    public var language: Language { .go }
    public var extensions: [String] { ["go"] }
    public func facts(for file: SourceFile, interest: CallInterest) -> FileFacts {
        FileFacts(path: file.path, language: .go, scopeKey: scopeKey(forPath: file.path))
    }
}
