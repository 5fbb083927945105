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
    /// Every use of the package-level `names` in `file` (see `ContainerUse`); nil by default.
    func references(of names: Set<String>, in file: SourceFile) -> [ContainerUse]?
    /// Facts for one file, reading whatever assigns one of `names` (containers the file's scope
    /// declares elsewhere) even where `facts(for:interest:)` skipped it and listed it in
    /// `FileFacts.skippedAssignments`. Default: `facts(for:interest:)`.
    func facts(for file: SourceFile, interest: CallInterest, reading names: Set<String>) -> FileFacts
}

extension FrontEnd {
    public func scopeKey(forPath path: String) -> String { PathText.directory(of: path) }
    public func facts(for file: SourceFile, interest: CallInterest, reading names: Set<String>) -> FileFacts {
        facts(for: file, interest: interest)
    }
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
    /// Whether `s` ends with `suffix`, compared as UTF-8 bytes (no Character comparison: paths
    /// are compared byte for byte).
    public static func hasSuffix<S: StringProtocol>(_ s: S, _ suffix: StaticString) -> Bool {
        let n = suffix.utf8CodeUnitCount
        let u = s.utf8
        guard u.count >= n else { return false }
        let p = suffix.utf8Start
        var k = 0
        for b in u[u.index(u.endIndex, offsetBy: -n)...] {
            if b != p[k] { return false }
            k += 1
        }
        return true
    }
    /// `c.tar.gz` → `gz`
    public static func fileExtension(of path: String) -> String {
        let name = fileName(of: path)
        guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }
}

// MARK: - References, for fixes that change a container's type

/// One use of a package-level container's name, as a front end sees it. A fix that replaces the
/// container with another type (a map with an LRU) is complete only when every use has a form
/// it can rewrite; `other` means "a use this front end cannot classify", which blocks the edit.
public struct ContainerUse: Sendable, Hashable {
    public enum Form: String, Sendable, Hashable {
        /// `var m = make(map[K]V)`: `range` is the initialiser.
        case declaration
        /// `m[k] = v` as a whole statement: `range` is the statement, `key` and `value` its parts.
        case indexSet = "index-set"
        /// `v, ok := m[k]` (or `=`): `range` is `m[k]`.
        case readOK = "read-ok"
        /// `v := m[k]` (or `=`): `range` is `m[k]`; `insertAt` is just after `v`, where a second
        /// result (`, _`) goes when the replacement returns two values.
        case read
        /// `len(m)`: `range` is the call.
        case len
        /// `delete(m, k)`: `range` is the call.
        case delete
        /// Anything else (ranging over it, passing it on, a shadowing local …).
        case other
    }
    public var name: String
    public var form: Form
    public var range: SourceRef
    public var key: SourceRef?
    public var value: SourceRef?
    public var insertAt: Int?

    public init(name: String, form: Form, range: SourceRef, key: SourceRef? = nil, value: SourceRef? = nil, insertAt: Int? = nil) {
        self.name = name; self.form = form; self.range = range; self.key = key; self.value = value; self.insertAt = insertAt
    }
}

extension FrontEnd {
    /// The uses of `names` (package-level names) in `file`; nil when the front end cannot tell,
    /// which makes every type-changing fix display-only. Called only for the few files of a
    /// scope holding a finding whose fix would change a container's type.
    public func references(of names: Set<String>, in file: SourceFile) -> [ContainerUse]? { nil }
}
