import CClang
import LeakLintCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Tokens from libclang's lexer

/// Token kinds as libclang reports them (`CXTokenKind`).
enum CppTokenKind: UInt8 {
    case punct, keyword, ident, literal, comment
}

/// One token: kind and byte range in the file. Small, no strings.
struct CppToken {
    var kind: CppTokenKind
    var start: Int32
    var end: Int32
}

/// The result of lexing one file through a libclang translation unit.
struct LexedFile {
    var tokens: [CppToken] = []
    var comments: [CppToken] = []
    var problems: [String] = []
    /// Typedef / alias name → canonical type spelling (precise mode only, from the AST).
    var aliases: [String: String] = [:]
}

/// The parse options of fast mode.
///
/// - `SingleFileParse`: `#include`s are not followed (a missing header is no error) and `#if`s
///   on unknown macros take every branch.
/// - `KeepGoing`: fatal errors do not stop the parse.
/// - `Incomplete`: no end-of-TU template instantiation.
///
/// `SkipFunctionBodies` is deliberately NOT used: libclang 14 skips bodies with an unbounded
/// recursion that overflows the stack on 100k-deep braces, while the full parser stops at
/// `-fbracket-depth`.
let fastParseOptions: UInt32 =
    CXTranslationUnit_SingleFileParse.rawValue | CXTranslationUnit_KeepGoing.rawValue
    | CXTranslationUnit_Incomplete.rawValue

/// Arguments of fast mode: C++20, no system headers, no warnings, no error limit.
let fastParseArgs: [String] = [
    "-x", "c++", "-std=c++20", "-fsyntax-only", "-ferror-limit=0", "-w",
    "-nostdinc", "-nostdinc++", "-fno-delayed-template-parsing",
]

enum ClangLexer {
    /// Parses `bytes` (as the unsaved contents of `unsavedPath`) with `args` and returns the
    /// tokens of that file. The `CXIndex` is created for this call and disposed before it
    /// returns, and so is the translation unit: nothing is shared between threads.
    static func lex(bytes original: [UInt8], unsavedPath: String, args: [String], options: UInt32,
                    wantAliases: Bool) -> LexedFile {
        var out = LexedFile()
        // libclang 14's error recovery skips brackets recursively and overflows its 8 MB parse
        // thread past ~40k levels (a SIGSEGV its crash recovery cannot catch). Brackets nested
        // deeper than `maxNesting` are blanked to spaces (offsets unchanged) before parsing.
        var bytes = original
        if let cut = blankDeepBrackets(&bytes, maxNesting: maxNesting) {
            out.problems.append("brackets nested deeper than \(maxNesting) levels (from byte \(cut)): the deeper part was not analysed")
        }
        if let cut = blankControlChains(&bytes, maxChain: maxNesting / 8) {
            out.problems.append("more than \(maxNesting / 8) nested control statements without braces (from byte \(cut)): the deeper part was not analysed")
        }
        guard let C = Clang.api else {
            out.problems.append(Clang.loadError ?? "libclang could not be loaded")
            return out
        }
        guard let index = C.clang_createIndex(0, 0) else {
            out.problems.append("libclang: could not create an index")
            return out
        }
        defer { C.clang_disposeIndex!(index) }

        var tu: CXTranslationUnit? = nil
        let code: CXErrorCode = unsavedPath.withCString { cPath in
            bytes.withUnsafeBufferPointer { buf in
                // CXUnsavedFile wants a char pointer; an empty file still needs a valid one.
                let empty: [CChar] = [0]
                return empty.withUnsafeBufferPointer { emptyBuf in
                    let contents: UnsafePointer<CChar> = buf.count > 0
                        ? UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self)
                        : emptyBuf.baseAddress!
                    var unsaved = CXUnsavedFile(Filename: cPath, Contents: contents, Length: UInt(buf.count))
                    return withCStrings(args) { argv in
                        C.clang_parseTranslationUnit2!(index, cPath, argv, Int32(args.count), &unsaved, 1,
                                                    options, &tu)
                    }
                }
            }
        }
        guard code == CXError_Success, let unit = tu else {
            out.problems.append("libclang could not parse the file (error \(code.rawValue))")
            return out
        }
        defer { C.clang_disposeTranslationUnit!(unit) }

        guard let file = unsavedPath.withCString({ C.clang_getFile!(unit, $0) }) else {
            out.problems.append("libclang lost the file")
            return out
        }
        let startLoc = C.clang_getLocationForOffset!(unit, file, 0)
        let endLoc = C.clang_getLocationForOffset!(unit, file, UInt32(bytes.count))
        let range = C.clang_getRange!(startLoc, endLoc)
        var toks: UnsafeMutablePointer<CXToken>? = nil
        var n: UInt32 = 0
        C.clang_tokenize!(unit, range, &toks, &n)
        if let toks {
            out.tokens.reserveCapacity(Int(n))
            for k in 0..<Int(n) {
                let t = toks[k]
                let ext = C.clang_getTokenExtent!(unit, t)
                var a: UInt32 = 0, b: UInt32 = 0
                C.clang_getSpellingLocation!(C.clang_getRangeStart!(ext), nil, nil, nil, &a)
                C.clang_getSpellingLocation!(C.clang_getRangeEnd!(ext), nil, nil, nil, &b)
                guard Int(b) <= bytes.count, a <= b else { continue }
                let kind: CppTokenKind
                switch C.clang_getTokenKind!(t) {
                case CXToken_Punctuation: kind = .punct
                case CXToken_Keyword: kind = .keyword
                case CXToken_Identifier: kind = .ident
                case CXToken_Literal: kind = .literal
                default: kind = .comment
                }
                let tok = CppToken(kind: kind, start: Int32(a), end: Int32(b))
                if kind == .comment { out.comments.append(tok) } else { out.tokens.append(tok) }
            }
            C.clang_disposeTokens!(unit, toks, n)
        }
        if wantAliases { out.aliases = collectAliases(unit) }
        return out
    }

    /// Deepest bracket nesting handed to libclang.
    static let maxNesting = 2000

    /// Replaces brackets nested deeper than `maxNesting` (and their closers) with spaces.
    /// Returns the offset of the first blanked byte, nil when nothing was blanked. The count is
    /// approximate (brackets in strings and comments count too), which only matters past the limit.
    static func blankDeepBrackets(_ bytes: inout [UInt8], maxNesting: Int) -> Int? {
        var depth = 0
        var maxDepth = 0
        for b in bytes {
            switch b {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1; if depth > maxDepth { maxDepth = depth }
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"): if depth > 0 { depth -= 1 }
            default: break
            }
        }
        guard maxDepth > maxNesting else { return nil }
        depth = 0
        var first: Int? = nil
        for i in bytes.indices {
            switch bytes[i] {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxNesting { bytes[i] = 0x20; if first == nil { first = i } }
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth > maxNesting { bytes[i] = 0x20 }
                if depth > 0 { depth -= 1 }
            default: break
            }
        }
        return first
    }

    /// `while (x) while (x) … stmt;` nests statements without brackets; libclang 14 recurses
    /// per level (a SIGSEGV past ~20k levels). Control keywords beyond `maxChain` in one
    /// statement (no `;`, `{` or `}` between them) are blanked to spaces.
    static func blankControlChains(_ bytes: inout [UInt8], maxChain: Int) -> Int? {
        func isWord(_ c: UInt8) -> Bool {
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95
        }
        func isControl(_ lo: Int, _ hi: Int, _ b: [UInt8]) -> Bool {
            switch hi - lo {
            case 2: return (b[lo] == 105 && b[lo + 1] == 102) || (b[lo] == 100 && b[lo + 1] == 111)   // if, do
            case 3: return b[lo] == 102 && b[lo + 1] == 111 && b[lo + 2] == 114                          // for
            case 4: return b[lo] == 101 && b[lo + 1] == 108 && b[lo + 2] == 115 && b[lo + 3] == 101       // else
            case 5: return b[lo] == 119 && b[lo + 1] == 104 && b[lo + 2] == 105 && b[lo + 3] == 108 && b[lo + 4] == 101 // while
            case 6: return b[lo] == 115 && b[lo + 1] == 119 && b[lo + 2] == 105 && b[lo + 3] == 116 && b[lo + 4] == 99 && b[lo + 5] == 104 // switch
            default: return false
            }
        }
        var first: Int? = nil
        for pass in 0..<2 {
            var run = 0
            var i = 0
            let n = bytes.count
            var over = false
            while i < n {
                let c = bytes[i]
                if c == UInt8(ascii: ";") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}") { run = 0; i += 1; continue }
                if isWord(c) {
                    var j = i + 1
                    while j < n && isWord(bytes[j]) { j += 1 }
                    if (i == 0 || !isWord(bytes[i - 1])) && isControl(i, j, bytes) {
                        run += 1
                        if run > maxChain {
                            over = true
                            if pass == 1 {
                                if first == nil { first = i }
                                for k in i..<j { bytes[k] = 0x20 }
                            }
                        }
                    }
                    i = j
                    continue
                }
                i += 1
            }
            if !over { return nil }
        }
        return first
    }

    /// Typedef and alias declarations outside system headers: name → canonical type spelling.
    static func collectAliases(_ unit: CXTranslationUnit) -> [String: String] {
        final class Box { var map: [String: String] = [:] }
        let box = Box()
        let C = Clang.api!  // lex loaded it
        let root = C.clang_getTranslationUnitCursor!(unit)
        withUnsafeMutablePointer(to: &box.map) { ptr in
            _ = C.clang_visitChildren!(root, { cursor, _, data in
                let L = Clang.api!  // a C callback captures nothing
                let map = data!.assumingMemoryBound(to: [String: String].self)
                let loc = L.clang_getCursorLocation!(cursor)
                if L.clang_Location_isInSystemHeader!(loc) != 0 { return CXChildVisit_Continue }
                let kind = L.clang_getCursorKind!(cursor)
                switch kind {
                case CXCursor_Namespace, CXCursor_ClassDecl, CXCursor_StructDecl, CXCursor_LinkageSpec:
                    return CXChildVisit_Recurse
                case CXCursor_TypedefDecl, CXCursor_TypeAliasDecl:
                    let name = cxString(L.clang_getCursorSpelling!(cursor))
                    let under = L.clang_getCanonicalType!(L.clang_getTypedefDeclUnderlyingType!(cursor))
                    var text = cxString(L.clang_getTypeSpelling!(under))
                    // The canonical spelling of std::string, as users write it.
                    text = replacingAll(text, "std::basic_string<char>", "std::string")
                    if !name.isEmpty && !text.isEmpty && map.pointee[name] == nil { map.pointee[name] = text }
                    return CXChildVisit_Continue
                default:
                    return CXChildVisit_Continue
                }
            }, UnsafeMutableRawPointer(ptr))
        }
        return box.map
    }
}

/// `s` with every occurrence of `what` replaced by `with` (bytes; no Foundation).
func replacingAll(_ s: String, _ what: String, _ with: String) -> String {
    let a = Array(s.utf8), w = Array(what.utf8), r = Array(with.utf8)
    guard !w.isEmpty, a.count >= w.count else { return s }
    var out: [UInt8] = []
    out.reserveCapacity(a.count)
    var i = 0
    while i < a.count {
        if i + w.count <= a.count && a[i] == w[0] && Array(a[i..<(i + w.count)]) == w {
            out.append(contentsOf: r); i += w.count
        } else {
            out.append(a[i]); i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// Swift String from a CXString, disposing it. Only called once `Clang.api` has loaded.
func cxString(_ s: CXString) -> String {
    let C = Clang.api!
    defer { C.clang_disposeString!(s) }
    guard let c = C.clang_getCString!(s) else { return "" }
    return String(cString: c)
}

/// Calls `body` with a C `argv` for `strings`; the pointers live for the call only.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    if strings.isEmpty { return body(nil) }
    var cstrs: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { for p in cstrs { free(p) } }
    return cstrs.withUnsafeMutableBufferPointer { buf in
        buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(buf.count, 1)) { p in
            body(strings.isEmpty ? nil : UnsafePointer(p))
        }
    }
}
