import LeakLintCore
import SwiftParser
import SwiftSyntax

/// Swift front end (placeholder until the visitor lands).
public struct SwiftFrontEnd: FrontEnd {
    public init() {}
    public var language: Language { .swift }
    public var extensions: [String] { ["swift"] }
    public func facts(for file: SourceFile, interest: CallInterest) -> FileFacts {
        FileFacts(path: file.path, language: .swift, scopeKey: scopeKey(forPath: file.path))
    }
}
