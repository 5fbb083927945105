import LeakLintCore

/// Java front end (placeholder until the tokenizer lands).
public struct JavaFrontEnd: FrontEnd {
    public init() {}
    public var language: Language { .java }
    public var extensions: [String] { ["java"] }
    public func facts(for file: SourceFile, interest: CallInterest) -> FileFacts {
        FileFacts(path: file.path, language: .java, scopeKey: scopeKey(forPath: file.path))
    }
}
