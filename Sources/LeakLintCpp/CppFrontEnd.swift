import CClang
import LeakLintCore

/// C++ front end on libclang's C API.
///
/// **Fast mode** (`CppFrontEnd()`, the default): every file is parsed on its own with no compile
/// flags and without following `#include`s (`CXTranslationUnit_SingleFileParse | KeepGoing |
/// Incomplete`, `-x c++ -std=c++20 -ferror-limit=0`). Clang's lexer supplies the tokens, and a
/// structural pass over them finds declarations, member operations, loops, lambdas and threads;
/// types come from the names as spelled (`std::unordered_map`, `juce::OwnedArray`, `QHash`, …),
/// since headers are not read. The scope of a file is the file itself.
///
/// **Precise mode** (`CppFrontEnd(compileCommands:)`): each translation unit is parsed with its
/// own flags from a `compile_commands.json`, so typedefs and aliases resolve to their canonical
/// types; a header belongs to the scope of the first translation unit (by path) that includes
/// it, so it is analysed once, with that unit. The database is untrusted input: flags that load
/// code into the parser (`-fplugin`, `-Xclang -load`, …), write files or read more flags are
/// dropped, and no program named in it is ever run.
///
/// Threading: front ends are called concurrently. Every call creates its own `CXIndex` and
/// translation unit and disposes both before returning (a per-call index); nothing libclang
/// owns is shared between threads. libclang's crash recovery stays on, and parsing runs on
/// libclang's own safety thread.
///
/// libclang's diagnostics never become findings. A file clang cannot parse at all yields empty
/// facts with a `problems` entry.
public struct CppFrontEnd: FrontEnd {
    /// The loaded compilation database in precise mode, nil in fast mode.
    public let database: CompileCommands?

    /// Fast mode: files parsed alone, no flags, includes not followed.
    public init() { self.database = nil; self.root = nil }

    /// Precise mode: `path` is a `compile_commands.json` file or the folder holding one.
    /// Falls back to fast mode for files the database does not list. Throws nothing: when the
    /// database cannot be loaded, `database?.loadError` says why and every file uses fast mode.
    public init(compileCommands path: String) {
        self.database = CompileCommands(path: path)
        self.root = nil
    }

    /// Precise mode for a scan rooted at `root`: scan-relative paths are matched to the
    /// database's absolute paths exactly (`root/path`), not by suffix.
    public init(compileCommands path: String, root: String) {
        self.database = CompileCommands(path: path)
        self.root = root
    }

    /// The scan root in precise mode (nil: paths are matched by suffix).
    let root: String?

    /// The path the database knows a scan-relative path by.
    func databasePath(_ path: String) -> String {
        guard let r = root, !path.hasPrefix("/") else { return path }
        return r == "/" ? "/" + path : r + "/" + path
    }

    public var language: Language { .cpp }
    public var extensions: [String] { ["cpp", "cc", "cxx", "h", "hpp", "hxx"] }

    public func scopeKey(forPath path: String) -> String {
        if let db = database, let tu = db.owningUnit(forPath: databasePath(path)) { return "tu:" + tu }
        return path
    }

    public func facts(for file: SourceFile, interest: CallInterest) -> FileFacts {
        let key = scopeKey(forPath: file.path)
        if ByteSniff.looksBinary(file.bytes) {
            var f = FileFacts(path: file.path, language: .cpp, scopeKey: key)
            f.problems.append("binary file (NUL byte): not analysed")
            return f
        }
        if Clang.api == nil {
            var f = FileFacts(path: file.path, language: .cpp, scopeKey: key)
            f.notAnalysed = Clang.loadError ?? "libclang could not be loaded"
            return f
        }
        let lexed: LexedFile
        if let db = database, let cmd = db.command(forPath: databasePath(file.path)) {
            lexed = ClangLexer.lex(bytes: file.bytes, unsavedPath: cmd.file, args: cmd.args,
                                   options: CXTranslationUnit_KeepGoing.rawValue | CXTranslationUnit_Incomplete.rawValue,
                                   wantAliases: true)
        } else if let db = database, root != nil, let tu = db.owningUnit(forPath: databasePath(file.path)),
                  let cmd = db.command(forPath: tu) {
            // A header: parsed as C++ with the flags of the unit that includes it, so the
            // aliases of the headers it includes resolve too.
            lexed = ClangLexer.lex(bytes: file.bytes, unsavedPath: databasePath(file.path), args: ["-x", "c++"] + cmd.args,
                                   options: CXTranslationUnit_KeepGoing.rawValue | CXTranslationUnit_Incomplete.rawValue,
                                   wantAliases: true)
        } else {
            lexed = ClangLexer.lex(bytes: file.bytes, unsavedPath: Self.virtualPath(file.path), args: fastParseArgs,
                                   options: fastParseOptions, wantAliases: false)
        }
        var ex = CppExtractor(file: file, lexed: lexed, interest: interest, scopeKey: key,
                              unitName: database == nil ? file.path : String(key.dropFirst(3)))
        return ex.run()
    }

    /// A path libclang cannot confuse with a real file: the unsaved contents are all it sees.
    static func virtualPath(_ path: String) -> String {
        "/leaklint-virtual/" + PathText.fileName(of: path)
    }

    /// The libclang version string, proving the library loads (or why it does not).
    public static var clangVersion: String {
        guard let C = Clang.api else { return Clang.loadError ?? "libclang could not be loaded" }
        return cxString(C.clang_getClangVersion!())
    }
}
