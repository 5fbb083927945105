/// A language front end: bytes of one file in, facts out. It never throws and never decides
/// whether something leaks; problems it recovers from go to `FileFacts.problems`.
public protocol FrontEnd: Sendable {
    var language: Language { get }
    /// File name endings this front end reads, without the dot (`go`, `java`).
    var extensions: [String] { get }
    /// Facts for one file. `interest` names the calls the analyses want recorded.
    func facts(for file: SourceFile, interest: CallInterest) -> FileFacts
    /// The analysis scope of a file: files with equal keys are analysed together.
    /// Default: the file's directory (a Go package).
    func scopeKey(forPath path: String) -> String
}

extension FrontEnd {
    public func scopeKey(forPath path: String) -> String { PathText.directory(of: path) }
}

/// Path string helpers that need no Foundation.
public enum PathText {
    /// `a/b/c.go` → `a/b`; `c.go` → `.`
    public static func directory(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        return String(path[..<slash])
    }
    /// `a/b/c.go` → `c.go`
    public static func fileName(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.index(after: slash)...])
    }
    /// `c.tar.gz` → `gz`
    public static func fileExtension(of path: String) -> String {
        let name = fileName(of: path)
        guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }
}
