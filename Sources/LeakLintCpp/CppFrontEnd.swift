import CClang
import LeakLintCore

/// C++ front end (placeholder until the libclang walk lands).
public struct CppFrontEnd: FrontEnd {
    public init() {}
    public var language: Language { .cpp }
    public var extensions: [String] { ["cpp", "cc", "cxx", "h", "hpp", "hxx"] }
    public func facts(for file: SourceFile, interest: CallInterest) -> FileFacts {
        FileFacts(path: file.path, language: .cpp, scopeKey: file.path)
    }
    /// The libclang version string, proving the library links.
    public static var clangVersion: String {
        let s = clang_getClangVersion()
        defer { clang_disposeString(s) }
        return String(cString: clang_getCString(s))
    }
}
